import { randomUUID } from 'node:crypto';
import { type Database, jsonb } from '@jarvis/db';
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import type { DB } from '../generated/tables.ts';
import type {
  AliasRecord,
  ArtifactFilterInput,
  ArtifactKind,
  ArtifactOrderInput,
  ArtifactRecord,
  ArtifactSpec,
  BlobEncoding,
  BlobSpec,
  UploadRecord,
  UploadStatus,
} from '../records.ts';
import type { ArtifactStore } from './artifactStore.ts';

type K = Kysely<DB>;
const textArray = (values: string[]) => sql<string[]>`cast(${values} as text[])`;

const ARTIFACT_COLUMNS = [
  'a.id',
  'a.project_id',
  'a.name',
  'a.version',
  'a.kind',
  'a.blob_sha256',
  'b.key as blob_key',
  'b.encoding as blob_encoding',
  'b.stored_size as blob_stored_size',
  'a.size',
  'a.content_type',
  'a.metadata',
  'a.tags',
  'a.component',
  'a.run_id',
  'a.workflow_run_id',
  'a.created_by',
  'a.created_at',
  'a.deleted_at',
] as const;

type ArtifactRow = Selectable<DB['artifacts']> & {
  blob_key: string;
  blob_encoding: string;
  blob_stored_size: number;
};

const toArtifact = (r: ArtifactRow): ArtifactRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  version: r.version,
  kind: r.kind as ArtifactKind,
  sha256: r.blob_sha256,
  blobKey: r.blob_key,
  encoding: r.blob_encoding as BlobEncoding,
  storedSize: Number(r.blob_stored_size),
  size: Number(r.size),
  contentType: r.content_type,
  metadata: r.metadata,
  tags: r.tags,
  component: r.component,
  runId: r.run_id,
  workflowRunId: r.workflow_run_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

const toUpload = (r: Selectable<DB['uploads']>): UploadRecord => ({
  id: r.id,
  projectId: r.project_id,
  status: r.status as UploadStatus,
  name: r.name,
  kind: r.kind as ArtifactKind,
  size: r.size === null ? null : Number(r.size),
  sha256: r.sha256,
  contentType: r.content_type,
  metadata: r.metadata,
  tags: r.tags,
  component: r.component,
  runId: r.run_id,
  workflowRunId: r.workflow_run_id,
  derivedFrom: r.derived_from,
  partSize: r.part_size === null ? null : Number(r.part_size),
  partCount: r.part_count,
  handle: r.handle,
  presigned: r.presigned,
  partUrls: r.part_urls as string[],
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  artifactId: r.artifact_id,
  idempotencyKey: r.idempotency_key,
  completing: r.completing_until !== null && r.completing_until > new Date(),
});

const toAlias = (r: Selectable<DB['aliases']>): AliasRecord => ({
  projectId: r.project_id,
  name: r.name,
  alias: r.alias,
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const ORDER_COLUMNS: Record<ArtifactOrderInput['field'], string[]> = {
  CREATED_AT: ['created_at', 'id'],
  NAME: ['name', 'version', 'id'],
  SIZE: ['size', 'id'],
};

/** Artifact metadata on PostgreSQL (PGlite or a server): same SQL on both. */
export function sqlArtifactStore(db: Database): ArtifactStore {
  const k = db.tables<DB>('storage');
  const selectArtifacts = (q: K | Transaction<DB>) =>
    q
      .selectFrom('artifacts as a')
      .innerJoin('blobs as b', 'b.sha256', 'a.blob_sha256')
      .select(ARTIFACT_COLUMNS);

  /** Serialises version numbering per name. */
  function lockName(trx: Transaction<DB>, projectId: string, name: string) {
    return sql`select pg_advisory_xact_lock(hashtext('storage.artifacts'), hashtext(${`${projectId}/${name}`}))`.execute(
      trx,
    );
  }

  /**
   * Serialises everything that puts bytes in place for a digest or removes them: an upload's
   * promote-and-commit and garbage collection's delete-row-and-bytes.
   */
  function lockDigest(trx: Transaction<DB>, sha256: string) {
    return sql`select pg_advisory_xact_lock(hashtext('storage.blobs'), hashtext(${sha256}))`.execute(trx);
  }

  /**
   * Keeps a digest's bytes: promotes them and records the blob, unless the digest is already
   * kept. Must run under the digest's lock. True when these bytes were kept.
   */
  async function keepBlob(trx: Transaction<DB>, blob: BlobSpec, promote: () => Promise<string>) {
    const existing = await trx
      .selectFrom('blobs')
      .select('key')
      .where('sha256', '=', blob.sha256)
      .executeTakeFirst();
    if (existing) return false;
    const key = await promote();
    await trx
      .insertInto('blobs')
      .values({
        sha256: blob.sha256,
        key,
        size: blob.size,
        stored_size: blob.storedSize,
        encoding: blob.encoding,
      })
      .execute();
    return true;
  }

  async function insertArtifact(
    trx: Transaction<DB>,
    spec: ArtifactSpec,
    blob: BlobSpec,
    promote: () => Promise<string>,
  ): Promise<{ artifact: ArtifactRecord; reused: boolean }> {
    const reused = !(await keepBlob(trx, blob, promote));
    const { v } = await trx
      .selectFrom('artifacts')
      .select(sql<number>`coalesce(max(version), 0)::int`.as('v'))
      .where('project_id', '=', spec.projectId)
      .where('name', '=', spec.name)
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    await trx
      .insertInto('artifacts')
      .values({
        id,
        project_id: spec.projectId,
        name: spec.name,
        version: v + 1,
        kind: spec.kind,
        blob_sha256: blob.sha256,
        size: blob.size,
        content_type: spec.contentType,
        metadata: jsonb(spec.metadata ?? {}),
        tags: textArray(spec.tags),
        component: spec.component,
        run_id: spec.runId,
        workflow_run_id: spec.workflowRunId,
        created_by: spec.createdBy,
        created_at: sql<Date>`now()`,
        deleted_at: null,
      })
      .execute();
    if (spec.derivedFrom.length) {
      await trx
        .insertInto('artifact_parents')
        .values(spec.derivedFrom.map((parent_id) => ({ child_id: id, parent_id })))
        .execute();
    }
    const artifact = await selectArtifacts(trx).where('a.id', '=', id).executeTakeFirstOrThrow();
    return { artifact: toArtifact(artifact as ArtifactRow), reused };
  }

  return {
    async getArtifact(projectId: string, id: string) {
      const row = await selectArtifacts(k)
        .where('a.project_id', '=', projectId)
        .where('a.id', '=', id)
        .executeTakeFirst();
      return row ? toArtifact(row as ArtifactRow) : undefined;
    },

    async getArtifacts(projectId: string, ids: string[]) {
      if (!ids.length) return [];
      const rows = await selectArtifacts(k)
        .where('a.project_id', '=', projectId)
        .where('a.id', 'in', ids)
        .execute();
      return rows.map((r) => toArtifact(r as ArtifactRow));
    },

    /** Only live (not soft-deleted) versions answer to a name. */
    async artifactByVersion(projectId: string, name: string, version: number | 'latest') {
      let q = selectArtifacts(k)
        .where('a.project_id', '=', projectId)
        .where('a.name', '=', name)
        .where('a.deleted_at', 'is', null);
      q = version === 'latest' ? q.orderBy('a.version', 'desc').limit(1) : q.where('a.version', '=', version);
      const row = await q.executeTakeFirst();
      return row ? toArtifact(row as ArtifactRow) : undefined;
    },

    async nameExists(projectId: string, name: string) {
      const row = await k
        .selectFrom('artifacts')
        .select('id')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async existingIds(projectId: string, ids: string[]) {
      if (!ids.length) return new Set<string>();
      const rows = await k
        .selectFrom('artifacts')
        .select('id')
        .where('project_id', '=', projectId)
        .where('id', 'in', ids)
        .where('deleted_at', 'is', null)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    async listArtifacts(
      projectId: string,
      filter: ArtifactFilterInput,
      order: ArtifactOrderInput,
      limit: number,
      after: unknown[] | undefined,
    ) {
      const where = (eb: ExpressionBuilder<{ a: DB['artifacts'] }, 'a'>) => {
        const c: Expression<SqlBool>[] = [eb('a.project_id', '=', projectId)];
        if (!filter.includeDeleted) c.push(eb('a.deleted_at', 'is', null));
        if (filter.kind) c.push(eb('a.kind', '=', filter.kind));
        if (filter.namePrefix)
          c.push(eb('a.name', 'like', `${filter.namePrefix.replace(/[\\%_]/g, '\\$&')}%`));
        if (filter.component) c.push(eb('a.component', '=', filter.component));
        if (filter.tag) c.push(sql<SqlBool>`a.tags @> ${textArray([filter.tag])}`);
        if (filter.runId) c.push(eb('a.run_id', '=', filter.runId));
        if (filter.workflowRunId) c.push(eb('a.workflow_run_id', '=', filter.workflowRunId));
        if (filter.createdAfter) c.push(eb('a.created_at', '>=', filter.createdAfter));
        if (filter.createdBefore) c.push(eb('a.created_at', '<', filter.createdBefore));
        return eb.and(c);
      };
      const columns = ORDER_COLUMNS[order.field];
      const dir = order.direction === 'ASC' ? sql`asc` : sql`desc`;
      let page = selectArtifacts(k).where(where);
      if (after) {
        const lhs = sql.join(columns.map((c) => sql.ref(`a.${c}`)));
        const rhs = sql.join(
          columns.map((c, i) =>
            c === 'created_at' ? sql`cast(${after[i]} as timestamptz)` : sql`${after[i]}`,
          ),
        );
        page = page.where(
          order.direction === 'ASC' ? sql<SqlBool>`(${lhs}) > (${rhs})` : sql<SqlBool>`(${lhs}) < (${rhs})`,
        );
      }
      for (const c of columns) page = page.orderBy(sql`${sql.ref(`a.${c}`)} ${dir}`);
      const [rows, count] = await Promise.all([
        page.limit(limit).execute(),
        k
          .selectFrom('artifacts as a')
          .select(sql<number>`count(*)::int`.as('n'))
          .where(where)
          .executeTakeFirstOrThrow(),
      ]);
      const artifacts = rows.map((r) => toArtifact(r as ArtifactRow));
      const keyOf = (a: ArtifactRecord): unknown[] =>
        order.field === 'CREATED_AT'
          ? [a.createdAt.toISOString(), a.id]
          : order.field === 'NAME'
            ? [a.name, a.version, a.id]
            : [a.size, a.id];
      return { rows: artifacts, totalCount: count.n, keyOf };
    },

    /** The newest live version of every name under a prefix ("a/b/" lists a folder), by name. */
    async latestUnder(projectId: string, prefix: string, limit: number) {
      const rows = await selectArtifacts(k)
        .distinctOn('a.name')
        .where('a.project_id', '=', projectId)
        .where('a.name', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`)
        .where('a.deleted_at', 'is', null)
        .orderBy('a.name')
        .orderBy('a.version', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => toArtifact(r as ArtifactRow));
    },

    async aliasesOfName(projectId: string, name: string) {
      const rows = await k
        .selectFrom('aliases')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .execute();
      return rows.map(toAlias);
    },

    async alias(projectId: string, name: string, alias: string) {
      const row = await k
        .selectFrom('aliases')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      return row ? toAlias(row) : undefined;
    },

    async setAlias(projectId: string, name: string, alias: string, version: number, actor: string) {
      const row = await k
        .insertInto('aliases')
        .values({
          project_id: projectId,
          name,
          alias,
          version,
          updated_by: actor,
          updated_at: sql<Date>`now()`,
        })
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'name', 'alias'])
            .doUpdateSet({ version, updated_by: actor, updated_at: sql<Date>`now()` }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAlias(row);
    },

    async deleteAlias(projectId: string, name: string, alias: string) {
      const result = await k
        .deleteFrom('aliases')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async createUpload(upload: Omit<UploadRecord, 'completing'>) {
      const row = await k
        .insertInto('uploads')
        .values({
          id: upload.id,
          project_id: upload.projectId,
          status: upload.status,
          name: upload.name,
          kind: upload.kind,
          size: upload.size,
          sha256: upload.sha256,
          content_type: upload.contentType,
          metadata: jsonb(upload.metadata ?? {}),
          tags: textArray(upload.tags),
          component: upload.component,
          run_id: upload.runId,
          workflow_run_id: upload.workflowRunId,
          derived_from: textArray(upload.derivedFrom),
          part_size: upload.partSize,
          part_count: upload.partCount,
          handle: upload.handle,
          presigned: upload.presigned,
          part_urls: jsonb(upload.partUrls ?? {}),
          created_by: upload.createdBy,
          created_at: upload.createdAt,
          expires_at: upload.expiresAt,
          artifact_id: null,
          idempotency_key: upload.idempotencyKey,
        })
        // Two requests with one key at once: the index lets one in, the other learns it here.
        .onConflict((oc) =>
          oc.columns(['project_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? toUpload(row) : undefined;
    },

    async releaseIdempotencyKey(id: string) {
      await k
        .updateTable('uploads')
        .set({ idempotency_key: null })
        .where('id', '=', id)
        .where('status', '!=', 'COMPLETED')
        .execute();
    },

    async uploadByIdempotencyKey(projectId: string, key: string) {
      const row = await k
        .selectFrom('uploads')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row ? toUpload(row) : undefined;
    },

    async getUpload(projectId: string, id: string) {
      const row = await k
        .selectFrom('uploads')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toUpload(row) : undefined;
    },

    /**
     * Moves a PENDING upload to another status; false when it was no longer PENDING, or when a
     * request is completing it and `holdingClaim` is not set (abort and expiry wait for it).
     */
    async finishUpload(
      id: string,
      status: Exclude<UploadStatus, 'PENDING' | 'COMPLETED'>,
      holdingClaim = false,
    ) {
      let update = k
        .updateTable('uploads')
        .set({ status })
        .where('id', '=', id)
        .where('status', '=', 'PENDING');
      if (!holdingClaim)
        update = update.where((w) =>
          w.or([w('completing_until', 'is', null), w('completing_until', '<', sql<Date>`now()`)]),
        );
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /**
     * Claims a PENDING upload for completion for `leaseMs`: false when it is not PENDING or
     * another request holds an unexpired claim. A claim of a request that died runs out.
     */
    async claimCompletion(id: string, leaseMs: number) {
      const result = await k
        .updateTable('uploads')
        .set({ completing_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .where((w) => w.or([w('completing_until', 'is', null), w('completing_until', '<', sql<Date>`now()`)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async renewCompletion(id: string, leaseMs: number) {
      await k
        .updateTable('uploads')
        .set({ completing_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .execute();
    },

    /** Gives a claim back (the completion failed for a reason a retry may not meet). */
    async releaseCompletion(id: string) {
      await k.updateTable('uploads').set({ completing_until: null }).where('id', '=', id).execute();
    },

    /**
     * Makes an artifact visible: its bytes promoted into place unless the digest is already kept
     * (then `reused` is true and the caller's staged copy is redundant), the next version of the
     * name, lineage and, for an upload, its COMPLETED mark, in one transaction holding the
     * digest's lock. Undefined when the upload was no longer PENDING (completed or aborted
     * concurrently).
     */
    async commitArtifact(
      spec: ArtifactSpec,
      blob: BlobSpec,
      promote: () => Promise<string>,
      uploadId?: string,
    ) {
      return k.transaction().execute(async (trx) => {
        if (uploadId) {
          const claimed = await trx
            .updateTable('uploads')
            .set({ status: 'COMPLETED' })
            .where('id', '=', uploadId)
            .where('status', '=', 'PENDING')
            .executeTakeFirst();
          if (Number(claimed.numUpdatedRows) === 0) return undefined;
        }
        await lockName(trx, spec.projectId, spec.name);
        await lockDigest(trx, blob.sha256);
        const result = await insertArtifact(trx, spec, blob, promote);
        if (uploadId)
          await trx
            .updateTable('uploads')
            .set({ artifact_id: result.artifact.id })
            .where('id', '=', uploadId)
            .execute();
        return result;
      });
    },

    /** Every kept blob, for backups. */
    async blobs() {
      const rows = await k.selectFrom('blobs').selectAll().execute();
      return rows.map((r) => ({
        sha256: r.sha256,
        key: r.key,
        size: Number(r.size),
        storedSize: Number(r.stored_size),
        encoding: r.encoding as BlobEncoding,
      }));
    },

    /** Restores a blob row, promoting its bytes under the digest's lock; false if it was there. */
    async restoreBlob(blob: BlobSpec, promote: () => Promise<string>) {
      return k.transaction().execute(async (trx) => {
        await lockDigest(trx, blob.sha256);
        return keepBlob(trx, blob, promote);
      });
    },

    async setDeleted(projectId: string, id: string, deleted: boolean) {
      await k
        .updateTable('artifacts')
        .set({ deleted_at: deleted ? sql<Date>`now()` : null })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .execute();
    },

    /** The artifacts `id` was derived from (parents), or those derived from it (children). */
    async related(projectId: string, id: string, direction: 'parents' | 'children') {
      const [join, match] =
        direction === 'parents'
          ? (['p.parent_id', 'p.child_id'] as const)
          : (['p.child_id', 'p.parent_id'] as const);
      const rows = await selectArtifacts(k)
        .innerJoin('artifact_parents as p', join, 'a.id')
        .where(match, '=', id)
        .where('a.project_id', '=', projectId)
        .orderBy('a.created_at')
        .execute();
      return rows.map((r) => toArtifact(r as ArtifactRow));
    },

    /** Edges reachable from `id` within `depth` steps, upwards (parents) and/or downwards. */
    async lineageEdges(id: string, depth: number, up: boolean, down: boolean) {
      const walk = async (direction: 'up' | 'down') => {
        const { rows } = await sql<{ parent_id: string; child_id: string }>`
          with recursive walk(parent_id, child_id, depth) as (
            select parent_id, child_id, 1 from storage.artifact_parents
              where ${direction === 'up' ? sql`child_id` : sql`parent_id`} = ${id}
            union
            select p.parent_id, p.child_id, w.depth + 1 from storage.artifact_parents p
              join walk w on ${direction === 'up' ? sql`p.child_id = w.parent_id` : sql`p.parent_id = w.child_id`}
              where w.depth < ${depth}
          )
          select distinct parent_id, child_id from walk`.execute(db.kysely);
        return rows;
      };
      return [...(up ? await walk('up') : []), ...(down ? await walk('down') : [])];
    },

    /** Hard-deletes artifacts soft-deleted before `cutoff` (their parents' links go with them). */
    async purgeDeleted(cutoff: Date) {
      const result = await k.deleteFrom('artifacts').where('deleted_at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async expiredUploads(now: Date) {
      const rows = await k
        .selectFrom('uploads')
        .selectAll()
        .where('status', '=', 'PENDING')
        .where('expires_at', '<', now)
        .execute();
      return rows.map(toUpload);
    },

    /**
     * Deletes blob rows no artifact references and returns their keys. The foreign key makes
     * this safe against an upload committing the same digest at the same moment: either the
     * delete wins and the upload inserts the blob anew with its own bytes, or the upload's
     * reference wins and this delete fails for that row.
     */
    async deleteUnreferencedBlobs(removeBytes: (key: string) => Promise<void>) {
      const candidates = await k
        .selectFrom('blobs as b')
        .select(['b.sha256', 'b.key', 'b.size'])
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('artifacts as a').select('a.id').whereRef('a.blob_sha256', '=', 'b.sha256'))),
        )
        .execute();
      let freedBytes = 0;
      let deletedBlobs = 0;
      for (const blob of candidates) {
        // Row and bytes go together under the digest's lock, or not at all.
        const removed = await k.transaction().execute(async (trx) => {
          await lockDigest(trx, blob.sha256);
          const gone = await trx
            .deleteFrom('blobs')
            .where('sha256', '=', blob.sha256)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('artifacts as a').select('a.id').whereRef('a.blob_sha256', '=', 'blobs.sha256'),
                ),
              ),
            )
            .executeTakeFirst();
          if (Number(gone.numDeletedRows) === 0) return false;
          await removeBytes(blob.key);
          return true;
        });
        if (removed) {
          deletedBlobs++;
          freedBytes += Number(blob.size);
        }
      }
      return { deletedBlobs, freedBytes };
    },
  };
}
