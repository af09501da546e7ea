import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/slow-first-sequencer.ts';

/** Pure units: no store, no server, no browser (`npm run test:unit`, a few seconds). */
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores, so one file at a time on 2 cores; the
    // files wait on PostgreSQL, Chromium and child processes often enough to keep two busy.
    maxWorkers: Number(process.env.RETAIN_TEST_WORKERS) || Math.max(2, availableParallelism()),
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
