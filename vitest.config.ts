import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/slow-first-sequencer.ts';

/** Pure units: no store, no server, no browser (`npm run test:unit`, a few seconds). */
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at once by default (RETAIN_TEST_WORKERS=1 for one): the browser files spend most of
    // their time waiting on Chromium and the server, so a second file uses the idle core. Earlier
    // failures at two were fixed at their cause (Kysely's migrator read every schema's columns on
    // the server, src/db/migrate.ts; the WeCom browser test's fixed wait; a swallowed click in the
    // playbook test); a clean-clone `.ci/run` with two at once passed on 2026-12-07 (952 s of vitest).
    maxWorkers: Number(process.env.RETAIN_TEST_WORKERS) || 2,
    // A worker runs file after file in one process (no fresh process and module graph per file:
    // half the suite's CPU time); test/file-setup.ts resets the process-wide state between files.
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    // A response schema that drops or changes a field fails the request (see src/api/response-check.ts).
    env: { RETAIN_STRICT_RESPONSES: '1' },
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: UNIT,
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/file-setup.ts'],
        },
      },
    ],
  },
});
