import { type Database, jsonb } from '@jarvis/db';
import { conflict } from '@jarvis/errors';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type { SettingChangeRecord, SettingRecord } from '../records.ts';
import type { Page, SetSettingInput, SettingsStore } from './settingsStore.ts';

type Row = Selectable<DB['settings']>;

const toSetting = (row: Row): SettingRecord => ({
  projectId: row.project_id,
  component: row.component,
  key: row.key,
  value: row.value,
  version: row.version,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

async function findSetting(k: Kysely<DB>, projectId: string, component: string, key: string) {
  const row = await k
    .selectFrom('settings')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('component', '=', component)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? toSetting(row) : undefined;
}

/**
 * Row locks cannot serialise two first writes of a setting (there is no row yet), so writers
 * of one setting take a transaction-scoped advisory lock on its name.
 */
// biome-ignore lint/suspicious/noExplicitAny: any transaction of any schema.
function lockSetting(trx: Transaction<any>, projectId: string, component: string, key: string) {
  return sql`select pg_advisory_xact_lock(hashtext('platform.settings'), hashtext(${`${projectId}/${component}/${key}`}))`.execute(
    trx,
  );
}

/** Settings on PostgreSQL (PGlite in `jarvis dev`, a server at scale): same SQL on both. */
export function sqlSettingsStore(db: Database): SettingsStore {
  const k = db.tables<DB>('platform');

  return {
    get: (projectId, component, key) => findSetting(k, projectId, component, key),

    async list(projectId, component, limit, afterKey) {
      const base = k
        .selectFrom('settings')
        .where('project_id', '=', projectId)
        .where('component', '=', component);
      const [rows, count] = await Promise.all([
        base
          .selectAll()
          .$if(afterKey !== undefined, (q) => q.where('key', '>', afterKey!))
          .orderBy('key')
          .limit(limit)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows: rows.map(toSetting), totalCount: count.n };
    },

    async set(input: SetSettingInput) {
      const { projectId, component, key, value, actor, idempotencyKey } = input;
      return k.transaction().execute(async (t) => {
        await lockSetting(t, projectId, component, key);
        if (idempotencyKey) {
          const seen = await t
            .selectFrom('setting_changes')
            .select(['component', 'key'])
            .where('project_id', '=', projectId)
            .where('idempotency_key', '=', idempotencyKey)
            .executeTakeFirst();
          if (seen && (seen.component !== component || seen.key !== key)) {
            throw conflict(
              `idempotencyKey ${JSON.stringify(idempotencyKey)} was already used for setting ${seen.component}/${seen.key}; use a new key for a different setting`,
            );
          }
          if (seen) {
            const current = await findSetting(t, projectId, component, key);
            if (current) return current;
          }
        }
        const previous = await findSetting(t, projectId, component, key);
        const lastVersion = previous
          ? previous.version
          : ((
              await t
                .selectFrom('setting_changes')
                .select(sql<number>`coalesce(max(version), 0)::int`.as('v'))
                .where('project_id', '=', projectId)
                .where('component', '=', component)
                .where('key', '=', key)
                .executeTakeFirstOrThrow()
            ).v ?? 0);
        const version = lastVersion + 1;
        const row = await t
          .insertInto('settings')
          .values({
            project_id: projectId,
            component,
            key,
            value: jsonb(value),
            version,
            updated_by: actor,
            updated_at: sql<Date>`now()`,
          })
          .onConflict((oc) =>
            oc.columns(['project_id', 'component', 'key']).doUpdateSet({
              value: jsonb(value),
              version,
              updated_by: actor,
              updated_at: sql<Date>`now()`,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        await t
          .insertInto('setting_changes')
          .values({
            project_id: projectId,
            component,
            key,
            version,
            value: jsonb(value),
            previous_value: previous ? jsonb(previous.value) : null,
            changed_by: actor,
            idempotency_key: idempotencyKey ?? null,
          })
          .execute();
        return toSetting(row);
      });
    },

    async delete(projectId, component, key, actor) {
      return k.transaction().execute(async (t) => {
        await lockSetting(t, projectId, component, key);
        const removed = await t
          .deleteFrom('settings')
          .where('project_id', '=', projectId)
          .where('component', '=', component)
          .where('key', '=', key)
          .returningAll()
          .executeTakeFirst();
        if (!removed) return false;
        await t
          .insertInto('setting_changes')
          .values({
            project_id: projectId,
            component,
            key,
            version: removed.version + 1,
            value: null,
            previous_value: jsonb(removed.value),
            changed_by: actor,
          })
          .execute();
        return true;
      });
    },

    async history(projectId, component, key, limit, beforeId): Promise<Page<SettingChangeRecord>> {
      const base = k
        .selectFrom('setting_changes')
        .where('project_id', '=', projectId)
        .where('component', '=', component)
        .where('key', '=', key);
      const [rows, count] = await Promise.all([
        base
          .select(['id', 'version', 'value', 'previous_value', 'changed_by', 'changed_at'])
          .$if(beforeId !== undefined, (q) => q.where('id', '<', beforeId!))
          .orderBy('id', 'desc')
          .limit(limit)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        rows: rows.map((r) => ({
          id: r.id,
          version: r.version,
          value: r.value,
          previousValue: r.previous_value,
          changedBy: r.changed_by,
          changedAt: r.changed_at,
        })),
        totalCount: count.n,
      };
    },
  };
}
