import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Three projects: unit tests touch nothing outside the process; integration tests start real
// engines (PostgreSQL, Redis, MinIO, Temporal, MLflow, Prometheus, Chromium) through testkit;
// bench runs the benchmarks, small, after both.
export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM builds; the Apollo packages require() the CJS one, so our code
    // must get the same one (as it does under plain Node), or schemas come "from another realm".
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,subgraphs,router,app,cli,clients}/**/test/**/*.unit.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,subgraphs,router,app,cli,clients}/**/test/**/*.int.test.ts'],
          // Deadlines, not measurements: generous, so a slow laptop or a busy CI runner is not
          // a failure. Engines' own readiness waits say what they waited for when they give up.
          testTimeout: 240_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // The benchmarks at a small size: last and alone, because each loads both cores, and
          // tests that bound a start-up time (jarvis dev within 5 s) would feel it.
          name: 'bench',
          include: ['bench/test/**/*.int.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
  },
});
