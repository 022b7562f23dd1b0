import { databaseBackends } from '@jarvis/testkit';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

const first = {
  name: '0001_runs',
  up: 'create table lab.runs (\n  id text primary key,\n  project_id text not null\n);\ncreate index runs_by_project on lab.runs (project_id);',
};
const second = { name: '0002_notes', up: "alter table lab.runs add column note text not null default '';" };

for (const backend of databaseBackends()) {
  describe(`migrations on ${backend.name}`, () => {
    afterAll(() => backend.close());

    it('applies pending migrations once, in order, inside the subgraph schema', async () => {
      const db = await backend.open();
      try {
        expect(await db.migrate('lab', [first])).toEqual(['0001_runs']);
        expect(await db.migrate('lab', [first])).toEqual([]);
        expect(await db.migrate('lab', [first, second])).toEqual(['0002_notes']);
        await sql`insert into lab.runs (id, project_id) values ('r1', 'default')`.execute(db.kysely);
        const { rows } = await sql<{ id: string; note: string }>`select id, note from lab.runs`.execute(
          db.kysely,
        );
        expect(rows).toEqual([{ id: 'r1', note: '' }]);
        const { rows: tables } = await sql<{ table_name: string }>`
          select table_name from information_schema.tables where table_schema = 'lab' order by table_name`.execute(
          db.kysely,
        );
        // The migration bookkeeping lives in the subgraph's own schema too.
        expect(tables.map((t) => t.table_name)).toEqual([
          'kysely_migration',
          'kysely_migration_lock',
          'runs',
        ]);
      } finally {
        await db.close();
      }
    });

    it('a failing migration leaves nothing half-applied and says which one failed', async () => {
      const db = await backend.open();
      try {
        const broken = {
          name: '0002_broken',
          up: 'create table lab2.ok (id int);\ncreate table lab2.bad (id nosuchtype);',
        };
        await expect(
          db.migrate('lab2', [{ ...first, up: first.up.replaceAll('lab.', 'lab2.') }, broken]),
        ).rejects.toThrow(/migration lab2\/0002_broken failed: .*nosuchtype/);
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from information_schema.tables where table_schema = 'lab2' and table_name in ('runs', 'ok')`.execute(
          db.kysely,
        );
        expect(rows[0]!.n).toBe(0);
      } finally {
        await db.close();
      }
    });

    it('ping measures a round trip; the embedded database runs with 32 MB of shared buffers', async () => {
      const db = await backend.open();
      try {
        expect(await db.ping()).toBeGreaterThan(0);
        // The embedded database keeps its buffers small (they never leave PGlite's memory); a
        // server is configured by whoever runs it.
        const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(db.kysely);
        if (db.kind === 'pglite') expect(rows[0]!.shared_buffers).toBe('32MB');
        else expect(rows[0]!.shared_buffers).not.toBe('');
      } finally {
        await db.close();
      }
    });
  });
}
