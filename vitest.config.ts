import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/slow-first-sequencer.ts';

/** Pure units: no store, no server, no browser (`npm run test:unit`, a few seconds). */
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time by default (RETAIN_TEST_WORKERS=2 for two, about a fifth faster). Two at
    // once passed clean-clone runs at fe666c3 (978 s of vitest), 934f105 (881 s) and a3460d1 (958 s)
    // against about 1,270 s one at a time, and lost one test at 1e2c590 (775 s): the WeCom browser
    // test never saw 已送达 on the profile after the API reported the message delivered (it passes
    // alone; the test now says what the page and the API held). Two becomes the default once that is
    // understood.
    maxWorkers: Number(process.env.RETAIN_TEST_WORKERS) || 1,
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
