import { gql, jarvisFromFile, startPostgres } from '@jarvis/testkit';
import pg from 'pg';
import { expect, it } from 'vitest';

it('database.pool_size from jarvis.yaml caps the connections Jarvis opens to PostgreSQL under load', async () => {
  await using postgres = await startPostgres();
  await using jarvis = await jarvisFromFile(`
database: { url: "${postgres.url}", pool_size: 3 }
log: { level: silent }
`);
  const watcher = new pg.Client({ connectionString: postgres.url });
  await watcher.connect();
  try {
    const connections = async () =>
      Number(
        (
          await watcher.query(
            "select count(*) as n from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()",
          )
        ).rows[0].n,
      );
    let most = 0;
    let loading = true;
    const sampling = (async () => {
      while (loading) {
        most = Math.max(most, await connections());
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // 60 operations at once, each reading the database: far more than three connections' worth.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        gql(
          jarvis.router.fetch,
          `{ settings(component: "load-${i}") { totalCount } experiments { edges { node { id } } } }`,
        ),
      ),
    );
    loading = false;
    await sampling;
    expect(answers.filter((a) => a.errors).map((a) => a.errors)).toEqual([]);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
  } finally {
    await watcher.end();
  }
});
