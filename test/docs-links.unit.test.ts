import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokenLinks,
  docPages,
  formatBroken,
  headingSlug,
  undocumentedCommands,
  undocumentedRoutes,
} from '../scripts/check-docs.ts';
import { COMMAND_MODULES } from '../src/cli/command-table.ts';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** A throwaway repository holding the given files. */
function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'retain-docs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  made.push(dir);
  return dir;
}
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the README and docs/ pages', () => {
  it('have every relative link and anchor leading somewhere', () => {
    expect(docPages(root)).toContain('docs/cli.md');
    expect(brokenLinks(root).map(formatBroken)).toEqual([]);
  });

  it('keep the quick start’s two commands, exactly', () => {
    expect(read('README.md')).toContain(
      [
        '```sh',
        'npm ci && npm start    # installs, loads the demo merchant into the embedded database, starts the server on :3000',
        'npm ci && npm test     # installs and runs every test (PGlite; also PostgreSQL when TEST_DATABASE_URL is set)',
        '```',
      ].join('\n'),
    );
  });

  it('document every top-level command of `retain` in docs/cli.md', () => {
    const names = COMMAND_MODULES.flatMap((m) => m.commands.map(([name]) => name));
    expect(names).toContain('playbook');
    expect(undocumentedCommands(names, read('docs/cli.md'))).toEqual([]);
  });

  it('give docs/benchmarks.md one ## section per `npm run bench:*` script, and no other', () => {
    const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>)
      .filter((s) => s.startsWith('bench:'))
      .sort();
    expect(scripts.length).toBeGreaterThan(10);
    const sections = [...read('docs/benchmarks.md').matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect([...sections].sort()).toEqual(scripts.map((s) => `\`npm run ${s}\``).sort());
  });
});

describe('the link check', () => {
  it('makes GitHub’s anchors: lower case, punctuation dropped, spaces to hyphens, Chinese kept', () => {
    // Anchors as GitHub shows them for these headings (written by hand, not from the code).
    expect(headingSlug('Running on Citus')).toBe('running-on-citus');
    expect(headingSlug('Prediction (P(alive), expected purchases, CLV)')).toBe(
      'prediction-palive-expected-purchases-clv',
    );
    expect(headingSlug('Recommendations (猜你喜欢)')).toBe('recommendations-猜你喜欢');
    expect(headingSlug('`npm run bench:cli`')).toBe('npm-run-benchcli');
    expect(headingSlug('Points, tiers and referrals')).toBe('points-tiers-and-referrals');
  });

  it('reports a missing page, a missing heading and a link out of the repository, and passes good ones', () => {
    const dir = repoWith({
      'README.md': [
        '# Retain',
        'See [the API](docs/api.md), [its limits](docs/api.md#limits), [again](docs/api.md#limits-1),',
        '[Chinese](docs/api.md#猜你喜欢) and [here](#retain); [examples](examples/).',
        '[gone](docs/gone.md), [no such part](docs/api.md#timeouts), [top](#nowhere), [up](../x.md).',
        '`[in code](docs/nowhere.md)` and a [site](https://example.com/#x).',
        '```md',
        '[in a fence](docs/nowhere.md)',
        '```',
      ].join('\n'),
      'docs/api.md': '# API\n\n## Limits\n\n## Limits\n\n### 猜你喜欢\n\n**Timeouts.** bold, not a heading\n',
      'examples/x.json': '{}',
    });
    expect(brokenLinks(dir).map(formatBroken)).toEqual([
      'README.md:4: docs/gone.md — no file docs/gone.md',
      'README.md:4: docs/api.md#timeouts — no heading #timeouts in docs/api.md',
      'README.md:4: #nowhere — no heading #nowhere in README.md',
      'README.md:4: ../x.md — outside the repository',
    ]);
  });

  it('fails on this repository’s README when one of its links is broken', () => {
    const readme = read('README.md');
    expect(readme).toContain('](docs/testing.md#import-boundaries)');
    const dir = repoWith({
      'README.md': readme.replace(
        '](docs/testing.md#import-boundaries)',
        '](docs/testing.md#import-boundary)',
      ),
      'docs/testing.md': read('docs/testing.md'),
    });
    const broken = brokenLinks(dir, ['README.md']).filter((b) => b.target.startsWith('docs/testing.md'));
    expect(broken.map((b) => b.reason)).toEqual(['no heading #import-boundary in docs/testing.md']);
  });

  it('finds a route or a command the pages leave out', () => {
    const api =
      '| area | routes |\n|---|---|\n| x | `GET/POST /segments`, `POST /broadcasts/{id}/pause\\|resume` |';
    expect(
      undocumentedRoutes(
        [
          'GET /api/v1/segments',
          'POST /api/v1/segments',
          'POST /api/v1/broadcasts/{broadcastId}/resume',
          'POST /api/v1/broadcasts/{broadcastId}/cancel',
          'DELETE /api/v1/segments',
        ],
        api,
      ),
    ).toEqual(['POST /api/v1/broadcasts/{broadcastId}/cancel', 'DELETE /api/v1/segments']);
    const cli = read('docs/cli.md')
      .split('\n')
      .filter((line) => !line.includes('`retain playbook'))
      .join('\n');
    expect(undocumentedCommands(['rfm', 'playbook'], cli)).toEqual(['playbook']);
  });
});
