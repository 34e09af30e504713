import { defineConfig } from 'vitest/config';

// Unit, golden and CLI tests run in Node against native DuckDB. End-to-end tests
// (test/e2e/*.spec.ts) build the app and drive it in Chromium; they run in the same
// `npm test`, one file at a time, after the fast tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
