import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A response schema that drops or changes a field fails the request (see src/api/response-check.ts).
    env: { RETAIN_STRICT_RESPONSES: '1' },
  },
});
