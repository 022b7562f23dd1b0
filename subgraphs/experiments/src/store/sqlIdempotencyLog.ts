import type { Database } from '@jarvis/db';
import { type Kysely, sql } from 'kysely';
import type { IdempotencyLog } from './mlflowTrackingStore.ts';

interface Tables {
  idempotency_keys: { project_id: string; key: string; run_id: string };
}

/** Idempotency keys of the MLflow-backed store, kept in Jarvis's metadata database. */
export function sqlIdempotencyLog(db: Database): IdempotencyLog {
  const k = db.kysely.withSchema('experiments') as unknown as Kysely<Tables>;
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
