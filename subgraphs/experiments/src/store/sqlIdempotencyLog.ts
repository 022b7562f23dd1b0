import type { Database } from '@jarvis/db';
import { sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type { IdempotencyLog } from './mlflowTrackingStore.ts';

/** Idempotency keys of the MLflow-backed store, kept in Jarvis's metadata database. */
export function sqlIdempotencyLog(db: Database): IdempotencyLog {
  const k = db.tables<DB>('experiments');
  return {
    async seen(projectId, key) {
      const row = await k
        .selectFrom('idempotency_keys')
        .select('run_id')
        .where('project_id', '=', projectId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.run_id;
    },
    async record(projectId, key, runId) {
      await sql`insert into experiments.idempotency_keys (project_id, key, run_id) values (${projectId}, ${key}, ${runId})
        on conflict (project_id, key) do nothing`.execute(db.kysely);
    },
  };
}
