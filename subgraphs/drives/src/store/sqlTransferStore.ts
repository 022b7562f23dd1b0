import type { Principal } from '@jarvis/context';
import type { Database } from '@jarvis/db';
import type { IdempotencyStamp } from '@jarvis/subgraph';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type {
  ImportedFileRecord,
  SearchHitRecord,
  TransferFileRecord,
  TransferRecord,
  TransferStatus,
} from '../records.ts';
import type { TransferProgress, TransferStore } from './transferStore.ts';

const toTransfer = (r: Selectable<DB['transfers']>): TransferRecord => ({
  id: r.id,
  projectId: r.project_id,
  ownerId: r.owner_id,
  driveId: r.drive_id,
  direction: r.direction as TransferRecord['direction'],
  status: r.status as TransferStatus,
  request: r.request as unknown as TransferRecord['request'],
  principal: r.principal as unknown as Principal,
  filesTotal: r.files_total,
  filesDone: r.files_done,
  filesSkipped: r.files_skipped,
  filesFailed: r.files_failed,
  bytesTotal: Number(r.bytes_total),
  bytesDone: Number(r.bytes_done),
  error: r.error,
  idempotencyKey: r.idempotency_key,
  syncJobId: r.sync_job_id,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const toImported = (r: Omit<Selectable<DB['imported_files']>, 'content' | 'search'>): ImportedFileRecord => ({
  driveId: r.drive_id,
  path: r.path,
  projectId: r.project_id,
  ownerId: r.owner_id,
  name: r.name,
  providerId: r.provider_id,
  version: r.version,
  modifiedAt: r.modified_at,
  size: Number(r.size),
  mimeType: r.mime_type,
  artifactId: r.artifact_id,
  importedAt: r.imported_at,
});

const IMPORTED_COLUMNS = [
  'drive_id',
  'path',
  'project_id',
  'owner_id',
  'name',
  'provider_id',
  'version',
  'modified_at',
  'size',
  'mime_type',
  'artifact_id',
  'imported_at',
] as const;

/** A name's or path's words: "clips/game-1_final.mp4" is searched as "clips game 1 final mp4". */
const words = (text: string) => text.replace(/[/._-]+/g, ' ');

const progressColumns = (p: TransferProgress) => ({
  files_total: p.filesTotal,
  files_done: p.filesDone,
  files_skipped: p.filesSkipped,
  files_failed: p.filesFailed,
  bytes_total: p.bytesTotal,
  bytes_done: p.bytesDone,
});

export class SqlTransferStore implements TransferStore {
  private readonly k: Kysely<DB>;

  constructor(db: Database) {
    this.k = db.tables<DB>('drives');
  }

  async insert(t: Parameters<TransferStore['insert']>[0], stamp?: IdempotencyStamp) {
    const row = await this.k
      .insertInto('transfers')
      .values({
        id: t.id,
        project_id: t.projectId,
        owner_id: t.ownerId,
        drive_id: t.driveId,
        direction: t.direction,
        status: 'PENDING',
        request: JSON.stringify(t.request),
        principal: JSON.stringify(t.principal),
        idempotency_key: stamp?.key ?? null,
        request_hash: stamp?.requestHash ?? null,
        sync_job_id: t.syncJobId,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toTransfer(row) : undefined;
  }

  private owned(projectId: string, ownerId: string) {
    return this.k
      .selectFrom('transfers')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId);
  }

  async get(projectId: string, ownerId: string, id: string) {
    const row = await this.owned(projectId, ownerId).where('id', '=', id).executeTakeFirst();
    return row ? toTransfer(row) : undefined;
  }

  async byKey(projectId: string, ownerId: string, key: string) {
    const row = await this.owned(projectId, ownerId).where('idempotency_key', '=', key).executeTakeFirst();
    return row ? { record: toTransfer(row), requestHash: row.request_hash } : undefined;
  }

  async list(projectId: string, ownerId: string, driveId: string | null, limit: number) {
    let query = this.owned(projectId, ownerId);
    if (driveId) query = query.where('drive_id', '=', driveId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toTransfer);
  }

  async listBySyncJob(syncJobId: string, limit: number) {
    const rows = await this.k
      .selectFrom('transfers')
      .selectAll()
      .where('sync_job_id', '=', syncJobId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toTransfer);
  }

  async claimNext(running: string[]) {
    const row = await this.k
      .updateTable('transfers')
      .set({ status: 'RUNNING', started_at: sql`coalesce(started_at, now())` })
      .where(
        'id',
        '=',
        this.k
          .selectFrom('transfers')
          .select('id')
          .where((eb) =>
            eb.or([
              eb('status', '=', 'PENDING'),
              running.length
                ? eb.and([eb('status', '=', 'RUNNING'), eb('id', 'not in', running)])
                : eb('status', '=', 'RUNNING'),
            ]),
          )
          .orderBy('created_at')
          .limit(1),
      )
      .where('status', 'in', ['PENDING', 'RUNNING'])
      .returningAll()
      .executeTakeFirst();
    return row ? toTransfer(row) : undefined;
  }

  async progress(id: string, progress: TransferProgress) {
    const result = await this.k
      .updateTable('transfers')
      .set(progressColumns(progress))
      .where('id', '=', id)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async finish(id: string, status: TransferStatus, error: string | null, progress?: TransferProgress) {
    const result = await this.k
      .updateTable('transfers')
      .set({ status, error, finished_at: sql`now()`, ...(progress ? progressColumns(progress) : {}) })
      .where('id', '=', id)
      .where('status', 'in', ['PENDING', 'RUNNING'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async status(id: string) {
    const row = await this.k.selectFrom('transfers').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status as TransferStatus | undefined;
  }

  async recordFile(file: Omit<TransferFileRecord, 'at'>) {
    const values = {
      transfer_id: file.transferId,
      path: file.path,
      outcome: file.outcome,
      direction: file.direction,
      size: file.size,
      artifact_id: file.artifactId,
      error_code: file.errorCode,
      error: file.error,
    };
    await this.k
      .insertInto('transfer_files')
      .values(values)
      .onConflict((oc) => oc.columns(['transfer_id', 'path']).doUpdateSet({ ...values, at: sql`now()` }))
      .execute();
  }

  async files(transferId: string, limit: number, after: string | null) {
    let query = this.k.selectFrom('transfer_files').selectAll().where('transfer_id', '=', transferId);
    if (after !== null) query = query.where('path', '>', after);
    const rows = await query.orderBy('path').limit(limit).execute();
    return rows.map((r) => ({
      transferId: r.transfer_id,
      path: r.path,
      outcome: r.outcome as TransferFileRecord['outcome'],
      direction: r.direction as TransferFileRecord['direction'],
      size: Number(r.size),
      artifactId: r.artifact_id,
      errorCode: r.error_code,
      error: r.error,
      at: r.at,
    }));
  }

  async imported(driveId: string, path: string) {
    const row = await this.k
      .selectFrom('imported_files')
      .select(IMPORTED_COLUMNS)
      .where('drive_id', '=', driveId)
      .where('path', '=', path)
      .executeTakeFirst();
    return row ? toImported(row) : undefined;
  }

  async importedByArtifact(projectId: string, artifactIds: readonly string[]) {
    if (!artifactIds.length) return [];
    const rows = await this.k
      .selectFrom('imported_files')
      .select(IMPORTED_COLUMNS)
      .where('project_id', '=', projectId)
      .where('artifact_id', 'in', artifactIds)
      .execute();
    return rows.map(toImported);
  }

  async saveImported(file: Omit<ImportedFileRecord, 'importedAt'>, content: string) {
    const values = {
      drive_id: file.driveId,
      path: file.path,
      project_id: file.projectId,
      owner_id: file.ownerId,
      name: file.name,
      provider_id: file.providerId,
      version: file.version,
      modified_at: file.modifiedAt,
      size: file.size,
      mime_type: file.mimeType,
      artifact_id: file.artifactId,
      content,
      search: sql<string>`setweight(to_tsvector('english', ${words(file.name)}), 'A')
        || setweight(to_tsvector('english', ${words(file.path)}), 'B')
        || setweight(to_tsvector('english', ${content}), 'C')`,
    };
    await this.k
      .insertInto('imported_files')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['drive_id', 'path']).doUpdateSet({ ...values, imported_at: sql`now()` }),
      )
      .execute();
  }

  async search(projectId: string, ownerId: string, query: string, driveId: string | null, limit: number) {
    const q = sql`websearch_to_tsquery('english', ${query})`;
    let select = this.k
      .selectFrom('imported_files')
      .select(IMPORTED_COLUMNS)
      .select([
        sql<number>`ts_rank(search, ${q})`.as('rank'),
        // The snippet comes from the text when it matched there, else from the name and path.
        sql<string>`ts_headline('english', case when to_tsvector('english', content) @@ ${q} then content else name || ' ' || path end, ${q}, 'MaxFragments=2, MinWords=5, MaxWords=25')`.as(
          'snippet',
        ),
      ])
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .where(sql<boolean>`search @@ ${q}`);
    if (driveId) select = select.where('drive_id', '=', driveId);
    const rows = await select.orderBy('rank', 'desc').orderBy('path').limit(limit).execute();
    return rows.map((r): SearchHitRecord => ({ ...toImported(r), rank: Number(r.rank), snippet: r.snippet }));
  }
}
