import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_STAMP, buildIsFresh } from '../bin/build-state.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/retain.js');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-start-'));
// Inside the checkout, as dist/ is: the build finds package.json, web/ and node_modules from there.
const out = mkdtempSync(join(ROOT, 'dist-test-'));

/** Runs the compiled CLI in `out`, or the TypeScript sources through tsx. */
function run(how: 'compiled' | 'sources', args: string[], dataDir: string) {
  const entry = how === 'compiled' ? [join(out, 'cli/main.js')] : [BIN];
  const r = spawnSync(process.execPath, [...entry, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      RETAIN_DATA_DIR: dataDir,
      DATABASE_URL: '',
      RETAIN_FROM_SOURCE: how === 'sources' ? '1' : '',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const built = spawnSync(process.execPath, [join(ROOT, 'bin/build.js'), '--out', out], { encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('retain starts from the compiled build', () => {
  it('prints the same help, version and results as the sources', () => {
    for (const args of [['--help'], ['rfm', '--help']]) {
      const compiled = run('compiled', args, join(dir, 'unused'));
      const sources = run('sources', args, join(dir, 'unused'));
      expect(compiled).toEqual(sources);
    }
    expect(run('compiled', ['--version'], join(dir, 'unused')).stdout).toBe(`${VERSION}\n`);
    expect(run('compiled', ['nosuch'], join(dir, 'unused')).stderr).toMatch(/unknown command 'nosuch'/);
    // A real command on a store of each's own.
    const args = ['workspace', 'create', '店铺', '--timezone', 'Asia/Shanghai'];
    expect(run('compiled', args, join(dir, 'a'))).toEqual(run('sources', args, join(dir, 'b')));
    const list = run('compiled', ['workspace', 'list', '--json'], join(dir, 'a'));
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((w: { name: string }) => w.name)).toContain('店铺');
  });

  it('opens no store for --help or --version', () => {
    for (const args of [['--help'], ['--version'], ['-V'], []]) {
      const store = join(dir, `never-${args.join('') || 'none'}`);
      const r = run('compiled', args, store);
      expect(r.code, args.join(' ')).toBe(args.length ? 0 : 1);
      expect(existsSync(store)).toBe(false);
    }
  });

  it('uses a build only while it is newer than every source', () => {
    const src = join(dir, 'src');
    const build = join(dir, 'build');
    mkdirSync(join(src, 'cli'), { recursive: true });
    mkdirSync(build);
    writeFileSync(join(src, 'cli/main.ts'), 'export {};\n');
    const past = new Date(Date.now() - 60_000);
    for (const p of [join(src, 'cli/main.ts'), join(src, 'cli'), src]) utimesSync(p, past, past);
    expect(buildIsFresh(build, src)).toBe(false); // never built
    writeFileSync(join(build, BUILD_STAMP), JSON.stringify({ started: Date.now() - 30_000 }));
    expect(buildIsFresh(build, src)).toBe(true);
    utimesSync(join(src, 'cli/main.ts'), new Date(), new Date()); // a source saved since
    expect(buildIsFresh(build, src)).toBe(false);
    utimesSync(join(src, 'cli/main.ts'), past, past);
    writeFileSync(join(src, 'cli/new.ts'), 'export {};\n'); // a file added (its directory changes)
    utimesSync(join(src, 'cli/new.ts'), past, past);
    expect(buildIsFresh(build, src)).toBe(false);
  });
});
