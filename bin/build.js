#!/usr/bin/env node
// Compiles src/ into dist/ — one JavaScript module per TypeScript module, in the same layout — so
// `retain` starts without compiling TypeScript at run time (bin/retain.js uses dist/ while it is
// newer than every source). Run by `npm ci` / `npm install` through the `prepare` script, and by
// `npm run build:cli` (`--out DIR` writes elsewhere, for tests). Without esbuild (an install that left it out) it says so and leaves the
// CLI on its TypeScript fallback: an install never fails for want of the build.
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, buildDir, sourceDir } from './build-state.js';

/** Every module of src/ that the program runs (tests are left out: vitest runs them from source). */
function modules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `new URL('./x.ts', import.meta.url)`: a module's path handed to a worker thread or a process. */
const MODULE_URL = /(new URL\(\s*['"`]\.{1,2}\/[^'"`]+)\.ts(['"`]\s*,\s*import\.meta\.url\s*\))/g;

/**
 * esbuild bundles nothing here: every import stays an import, a relative `./x.ts` becomes
 * `./x.js` (the file this build writes beside it), so each command still loads only its modules.
 * A module's own URL (a worker thread's script) is pointed at the compiled file the same way.
 */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const local = args.path.startsWith('./') || args.path.startsWith('../');
      return { path: local ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(MODULE_URL, '$1.js$2'),
      loader: 'ts',
    }));
  },
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('retain: esbuild is not installed; the CLI will compile TypeScript as it starts (slower)');
  process.exit(0);
}

const started = Date.now();
const src = sourceDir();
const at = process.argv.indexOf('--out');
const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : buildDir();
const tmp = `${out}.tmp-${process.pid}`;
const entryPoints = modules(src);
try {
  await esbuild.build({
    entryPoints,
    outdir: tmp,
    outbase: src,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    plugins: [keepImports],
  });
  // The moment the build started: a source saved after it makes the build stale.
  writeFileSync(join(tmp, BUILD_STAMP), `${JSON.stringify({ started })}\n`);
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
} catch (error) {
  rmSync(tmp, { recursive: true, force: true });
  throw error;
}
const root = fileURLToPath(new URL('..', import.meta.url));
console.log(
  `retain: compiled ${entryPoints.length} modules into ${relative(root, out)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
