import { startPostgres } from '@jarvis/testkit';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createDatabase } from '../src/createDatabase.ts';

// A server restart must cost the statements in flight, never the process: vitest fails the run
// on the unhandled 'error' event a checked-out pg client emits when its server goes away.
it('a transaction open while PostgreSQL stops fails cleanly, and the pool recovers', async () => {
  await using pg = await startPostgres();
  const lost: Error[] = [];
  const db = await createDatabase({ url: pg.url, home: '', onError: (e) => lost.push(e) });
  try {
    // Two clients: one left idle (reported through onError), one in a transaction between statements.
    await Promise.all([sql`select pg_sleep(0.05)`.execute(db.kysely), sql`select 1`.execute(db.kysely)]);
    let resume!: () => void;
    const paused = new Promise<void>((r) => {
      resume = r;
    });
    let inside!: () => void;
    const entered = new Promise<void>((r) => {
      inside = r;
    });
    const transaction = db.kysely.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      inside();
      await paused;
      await sql`select 2`.execute(trx);
    });
    await entered;
    await pg.stop();
    await new Promise((r) => setTimeout(r, 200));
    resume();
    await expect(transaction).rejects.toThrow();
    expect(lost.length).toBeGreaterThan(0);

    await pg.start();
    const { rows } = await sql<{ n: number }>`select 3 as n`.execute(db.kysely);
    expect(rows).toEqual([{ n: 3 }]);
  } finally {
    await db.close();
  }
});
