import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Two projects: unit tests touch nothing outside the process; integration tests start real
// engines (PostgreSQL, Redis, MinIO, Temporal, MLflow, Prometheus, Chromium) through testkit.
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
          include: ['{packages,subgraphs,router,cli,clients}/**/test/**/*.unit.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,subgraphs,router,cli,clients,bench}/**/test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
  },
});
