import type { Database } from '@jarvis/db';
import { badUserInput, conflict, notFound } from '@jarvis/errors';
import { type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import type { DB } from '../generated/tables.ts';
import { parseFilter, parseOrder } from '../search/parseSearch.ts';
import type { FilterClause } from '../search/runFilter.ts';
import type {
  ModelRegistry,
  ModelVersionRecord,
  ModelVersionStatus,
  Page,
  RegisteredModelRecord,
} from './modelRegistry.ts';
import { checkMaxResults, decodePageToken, encodePageToken } from './pageToken.ts';
import {
  checkAlias,
  checkModelName,
  checkTags,
  checkVersion,
  MODEL_ATTRIBUTES,
  ORDER_ATTRIBUTES,
  VERSION_ATTRIBUTES,
} from './registryChecks.ts';
import { compareSql } from './runSearchSql.ts';

type K = Kysely<DB> | Transaction<DB>;
type VersionRow = Selectable<DB['model_versions']>;
type ModelRow = Omit<Selectable<DB['registered_models']>, 'next_version'>;

const VERSION_COLUMN: Record<string, string> = {
  name: 'v.name',
  run_id: 'v.run_id',
  source: 'v.source',
  source_path: 'v.source',
  version_number: 'v.version',
  model_id: 'v.model_id',
};

/** The registry on the metadata database, next to the native tracking store. */
export function nativeModelRegistry(db: Database): ModelRegistry {
  const k = db.tables<DB>('experiments');
  const inTransaction = <T>(work: (t: Transaction<DB>) => Promise<T>) => k.transaction().execute(work);

  const missingModel = (name: string) =>
    notFound(`no registered model ${JSON.stringify(name)} in this project`, { argument: 'name' });
  const missingVersion = (name: string, version: number) =>
    notFound(`registered model ${JSON.stringify(name)} has no version ${version}`, { argument: 'version' });

  async function modelRow(q: K, projectId: string, name: string) {
    return q
      .selectFrom('registered_models')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** A table's rows for some models of a project (tags, aliases). */
  const rowsOf = <T extends 'registered_model_tags' | 'model_aliases' | 'model_version_tags'>(
    table: T,
    projectId: string,
    names: string[],
  ) =>
    k
      .selectFrom(table as 'model_aliases')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', 'in', names)
      .execute() as Promise<DB[T][]>;

  async function toModels(rows: ModelRow[]): Promise<RegisteredModelRecord[]> {
    if (!rows.length) return [];
    const projectId = rows[0]!.project_id;
    const names = rows.map((r) => r.name);
    const [tags, aliases, latest] = await Promise.all([
      rowsOf('registered_model_tags', projectId, names),
      rowsOf('model_aliases', projectId, names),
      k
        .selectFrom('model_versions')
        .select(['name', (eb) => eb.fn.max('version').as('latest')])
        .where('project_id', '=', projectId)
        .where('name', 'in', names)
        .groupBy('name')
        .execute(),
    ]);
    return rows.map((row) => ({
      name: row.name,
      description: row.description,
      creationTime: Number(row.creation_time),
      lastUpdatedTime: Number(row.last_updated_time),
      tags: Object.fromEntries(tags.filter((t) => t.name === row.name).map((t) => [t.key, t.value])),
      aliases: Object.fromEntries(
        aliases.filter((a) => a.name === row.name).map((a) => [a.alias, Number(a.version)]),
      ),
      latestVersion: (() => {
        const found = latest.find((l) => l.name === row.name)?.latest;
        return found == null ? null : Number(found);
      })(),
    }));
  }

  async function toVersions(rows: VersionRow[]): Promise<ModelVersionRecord[]> {
    if (!rows.length) return [];
    const projectId = rows[0]!.project_id;
    const names = [...new Set(rows.map((r) => r.name))];
    const [tags, aliases] = await Promise.all([
      rowsOf('model_version_tags', projectId, names),
      rowsOf('model_aliases', projectId, names),
    ]);
    const of = (row: VersionRow) => (x: { name: string; version: number }) =>
      x.name === row.name && Number(x.version) === Number(row.version);
    return rows.map((row) => ({
      name: row.name,
      version: Number(row.version),
      description: row.description,
      source: row.source,
      runId: row.run_id,
      artifactId: row.artifact_id,
      modelId: row.model_id,
      status: row.status as ModelVersionStatus,
      creationTime: Number(row.creation_time),
      lastUpdatedTime: Number(row.last_updated_time),
      tags: Object.fromEntries(tags.filter(of(row)).map((t) => [t.key, t.value])),
      aliases: aliases
        .filter(of(row))
        .map((a) => a.alias)
        .sort(),
    }));
  }

  async function requireModel(q: K, projectId: string, name: string) {
    const row = await modelRow(q, projectId, name);
    if (!row) throw missingModel(name);
    return row;
  }

  async function versionRow(q: K, projectId: string, name: string, version: number) {
    return q
      .selectFrom('model_versions')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  async function requireVersion(q: K, projectId: string, name: string, version: number) {
    checkVersion(version);
    const row = await versionRow(q, projectId, name, version);
    if (!row) throw missingVersion(name, version);
    return row;
  }

  const touchModel = (q: K, projectId: string, name: string) =>
    q
      .updateTable('registered_models')
      .set({ last_updated_time: Date.now() })
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .execute();

  function tagCondition(clause: FilterClause, table: string, join: string): ReturnType<typeof sql<SqlBool>> {
    // As MLflow's registry: `!=` also matches what lacks the tag (MLflow 3 clients send
    // tag.`mlflow.prompt.is_prompt` != 'true' with every model search).
    if (clause.comparator === '!=')
      return sql<SqlBool>`not exists (select 1 from experiments.${sql.raw(table)} t
        where ${sql.raw(join)} and t.key = ${clause.key} and t.value = ${clause.value})`;
    return sql<SqlBool>`exists (select 1 from experiments.${sql.raw(table)} t
      where ${sql.raw(join)} and t.key = ${clause.key} and ${compareSql(sql`t.value`, clause)})`;
  }

  /** `order_by` as SQL on the table's alias, then the default order as the tie-break. */
  function orderSqlOf(orderBy: string[] | undefined, alias: string, fallback: string) {
    const columns: Record<string, string> = {
      name: `${alias}.name`,
      version_number: 'v.version',
      creation_timestamp: `${alias}.creation_time`,
      timestamp: `${alias}.creation_time`,
      last_updated_timestamp: `${alias}.last_updated_time`,
    };
    const order = parseOrder(orderBy, ORDER_ATTRIBUTES).map((o) => {
      if (o.type !== 'attribute' || (o.key === 'version_number' && alias !== 'v'))
        throw badUserInput(`Invalid order by key: ${o.key}`, { argument: 'order_by' });
      return `${columns[o.key]} ${o.ascending ? 'asc' : 'desc'}`;
    });
    return [...order, fallback].join(', ');
  }

  /**
   * One page of an MLflow-filtered search over a registry table (`table` with its alias),
   * with the total count; attributes compare on their column, `tags.<key>` through `tags`.
   */
  async function pagedSearch<Row, T>(
    projectId: string,
    search: { filter?: string; orderBy?: string[]; maxResults: number; pageToken?: string },
    on: {
      table: string;
      attributes: Record<string, 'number' | 'string'>;
      column: (key: string) => string;
      tags: { table: string; join: string };
      orderBy: string;
      searchedBy: string;
      records: (rows: Row[]) => Promise<T[]>;
    },
  ): Promise<Page<T>> {
    const clauses = parseFilter(search.filter, on.attributes);
    const limit = checkMaxResults(search.maxResults);
    const offset = decodePageToken(search.pageToken);
    const alias = on.table.split(' ')[1]!;
    const conditions = [
      sql<SqlBool>`${sql.raw(alias)}.project_id = ${projectId}`,
      ...clauses.map((c) => {
        if (c.type === 'tag') return tagCondition(c, on.tags.table, on.tags.join);
        if (c.type === 'attribute') return compareSql(sql.raw(on.column(c.key)), c);
        throw badUserInput(`searched by ${on.searchedBy}`, { argument: 'filter' });
      }),
    ];
    const where = sql.join(conditions, sql` and `);
    const from = sql.raw(`experiments.${on.table}`);
    const [{ rows }, { rows: count }] = await Promise.all([
      sql<Row>`select ${sql.raw(alias)}.* from ${from} where ${where}
        order by ${sql.raw(orderSqlOf(search.orderBy, alias, on.orderBy))} limit ${limit + 1} offset ${offset}`.execute(
        db.kysely,
      ),
      sql<{ n: string }>`select count(*) as n from ${from} where ${where}`.execute(db.kysely),
    ]);
    return {
      items: await on.records(rows.slice(0, limit)),
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
      totalCount: Number(count[0]!.n),
    };
  }

  return {
    async createRegisteredModel(projectId, { name, description = '', tags = {} }) {
      checkModelName(name);
      checkTags(tags);
      await inTransaction(async (t) => {
        const now = Date.now();
        const created = await t
          .insertInto('registered_models')
          .values({ project_id: projectId, name, description, creation_time: now, last_updated_time: now })
          .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
          .returning('name')
          .executeTakeFirst();
        if (!created)
          throw conflict(`registered model ${JSON.stringify(name)} already exists`, {
            reason: 'ALREADY_EXISTS',
          });
        const entries = Object.entries(tags);
        if (entries.length)
          await t
            .insertInto('registered_model_tags')
            .values(entries.map(([key, value]) => ({ project_id: projectId, name, key, value })))
            .execute();
      });
      return (await this.getRegisteredModel(projectId, name))!;
    },

    async getRegisteredModel(projectId, name) {
      const row = await modelRow(k, projectId, name);
      return row ? (await toModels([row]))[0] : undefined;
    },

    async renameRegisteredModel(projectId, name, newName) {
      checkModelName(newName);
      await requireModel(k, projectId, name);
      if (newName !== name) {
        if (await modelRow(k, projectId, newName))
          throw conflict(`registered model ${JSON.stringify(newName)} already exists`, {
            reason: 'ALREADY_EXISTS',
          });
        // Versions, tags and aliases follow through ON UPDATE CASCADE.
        await k
          .updateTable('registered_models')
          .set({ name: newName, last_updated_time: Date.now() })
          .where('project_id', '=', projectId)
          .where('name', '=', name)
          .execute();
      }
      return (await this.getRegisteredModel(projectId, newName))!;
    },

    async updateRegisteredModel(projectId, name, description) {
      await requireModel(k, projectId, name);
      await k
        .updateTable('registered_models')
        .set({ description, last_updated_time: Date.now() })
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .execute();
      return (await this.getRegisteredModel(projectId, name))!;
    },

    async deleteRegisteredModel(projectId, name) {
      const { numDeletedRows } = await k
        .deleteFrom('registered_models')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!numDeletedRows) throw missingModel(name);
    },

    async searchRegisteredModels(projectId, search) {
      return pagedSearch(projectId, search, {
        table: 'registered_models m',
        attributes: MODEL_ATTRIBUTES,
        column: () => 'm.name',
        tags: { table: 'registered_model_tags', join: 't.project_id = m.project_id and t.name = m.name' },
        orderBy: 'm.name',
        searchedBy: 'name and tags.<key>',
        records: (rows: ModelRow[]) => toModels(rows),
      });
    },

    async setRegisteredModelTag(projectId, name, key, value) {
      checkTags({ [key]: value });
      await requireModel(k, projectId, name);
      await k
        .insertInto('registered_model_tags')
        .values({ project_id: projectId, name, key, value })
        .onConflict((oc) => oc.columns(['project_id', 'name', 'key']).doUpdateSet({ value }))
        .execute();
      await touchModel(k, projectId, name);
    },

    async deleteRegisteredModelTag(projectId, name, key) {
      await requireModel(k, projectId, name);
      await k
        .deleteFrom('registered_model_tags')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('key', '=', key)
        .execute();
    },

    async createModelVersion(projectId, input) {
      const {
        name,
        source,
        runId = null,
        artifactId = null,
        description = '',
        tags = {},
        idempotencyKey,
      } = input;
      if (!source)
        throw badUserInput('a model version needs a source (where its files are)', { argument: 'source' });
      checkTags(tags);
      if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 200))
        throw badUserInput('idempotencyKey must be 1-200 characters', { argument: 'idempotencyKey' });
      const version = await inTransaction(async (t) => {
        if (idempotencyKey) {
          const seen = await t
            .selectFrom('model_versions')
            .selectAll()
            .where('project_id', '=', projectId)
            .where('idempotency_key', '=', idempotencyKey)
            .executeTakeFirst();
          if (seen) {
            if (
              seen.name !== name ||
              seen.source !== source ||
              seen.run_id !== runId ||
              seen.artifact_id !== artifactId
            )
              throw conflict(
                `idempotencyKey ${JSON.stringify(idempotencyKey)} created ${seen.name} version ${seen.version} from another source; use a new key`,
              );
            return Number(seen.version);
          }
        }
        // The row lock taken by this update serialises concurrent versions of one model.
        const bumped = await t
          .updateTable('registered_models')
          .set((eb) => ({ next_version: eb('next_version', '+', 1), last_updated_time: Date.now() }))
          .where('project_id', '=', projectId)
          .where('name', '=', name)
          .returning('next_version')
          .executeTakeFirst();
        if (!bumped) throw missingModel(name);
        const number = Number(bumped.next_version) - 1;
        const now = Date.now();
        await t
          .insertInto('model_versions')
          .values({
            project_id: projectId,
            name,
            version: number,
            description,
            source,
            run_id: runId,
            artifact_id: artifactId,
            model_id: input.modelId ?? null,
            status: 'READY',
            creation_time: now,
            last_updated_time: now,
            idempotency_key: idempotencyKey ?? null,
          })
          .execute();
        const entries = Object.entries(tags);
        if (entries.length)
          await t
            .insertInto('model_version_tags')
            .values(
              entries.map(([key, value]) => ({ project_id: projectId, name, version: number, key, value })),
            )
            .execute();
        return number;
      });
      return (await this.getModelVersion(projectId, name, version))!;
    },

    async getModelVersion(projectId, name, version) {
      if (!Number.isSafeInteger(version) || version < 1) return undefined;
      const row = await versionRow(k, projectId, name, version);
      return row ? (await toVersions([row]))[0] : undefined;
    },

    async updateModelVersion(projectId, name, version, description) {
      await requireVersion(k, projectId, name, version);
      await k
        .updateTable('model_versions')
        .set({ description, last_updated_time: Date.now() })
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      return (await this.getModelVersion(projectId, name, version))!;
    },

    async deleteModelVersion(projectId, name, version) {
      await requireVersion(k, projectId, name, version);
      await k
        .deleteFrom('model_versions')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await touchModel(k, projectId, name);
    },

    async searchModelVersions(projectId, search) {
      return pagedSearch(projectId, search, {
        table: 'model_versions v',
        attributes: VERSION_ATTRIBUTES,
        column: (key) => VERSION_COLUMN[key]!,
        tags: {
          table: 'model_version_tags',
          join: 't.project_id = v.project_id and t.name = v.name and t.version = v.version',
        },
        orderBy: 'v.name, v.version desc',
        searchedBy: 'name, run_id, source, version_number and tags.<key>',
        records: (rows: VersionRow[]) => toVersions(rows),
      });
    },

    async setModelVersionTag(projectId, name, version, key, value) {
      checkTags({ [key]: value });
      await requireVersion(k, projectId, name, version);
      await k
        .insertInto('model_version_tags')
        .values({ project_id: projectId, name, version, key, value })
        .onConflict((oc) => oc.columns(['project_id', 'name', 'version', 'key']).doUpdateSet({ value }))
        .execute();
    },

    async deleteModelVersionTag(projectId, name, version, key) {
      await requireVersion(k, projectId, name, version);
      await k
        .deleteFrom('model_version_tags')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('version', '=', version)
        .where('key', '=', key)
        .execute();
    },

    async setAlias(projectId, name, alias, version) {
      checkAlias(alias);
      await requireModel(k, projectId, name);
      await requireVersion(k, projectId, name, version);
      await k
        .insertInto('model_aliases')
        .values({ project_id: projectId, name, alias, version })
        .onConflict((oc) => oc.columns(['project_id', 'name', 'alias']).doUpdateSet({ version }))
        .execute();
      await touchModel(k, projectId, name);
    },

    async deleteAlias(projectId, name, alias) {
      await requireModel(k, projectId, name);
      const { numDeletedRows } = await k
        .deleteFrom('model_aliases')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      if (!numDeletedRows)
        throw notFound(`registered model ${JSON.stringify(name)} has no alias ${JSON.stringify(alias)}`, {
          argument: 'alias',
        });
      await touchModel(k, projectId, name);
    },

    async versionByAlias(projectId, name, alias) {
      const row = await k
        .selectFrom('model_aliases')
        .select('version')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      return row ? this.getModelVersion(projectId, name, Number(row.version)) : undefined;
    },
  };
}
