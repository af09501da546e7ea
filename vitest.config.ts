import { defineConfig } from 'vitest/config';

/** Pure units: no store, no server, no browser (`npm run test:unit`, a few seconds). */
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
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
        },
      },
    ],
  },
});
