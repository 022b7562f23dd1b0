import type { Principal } from '@jarvis/context';
import type { Database } from '@jarvis/db';
import type { IdempotencyStamp } from '@jarvis/subgraph';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type { SyncDirection, SyncJobRecord, SyncStateRecord } from '../records.ts';
import type { SyncJobStore } from './syncJobStore.ts';

const toJob = (r: Selectable<DB['sync_jobs']>): SyncJobRecord => ({
  id: r.id,
  projectId: r.project_id,
  ownerId: r.owner_id,
  driveId: r.drive_id,
  folder: r.folder,
  prefix: r.prefix,
  direction: r.direction as SyncDirection,
  intervalMinutes: r.interval_minutes,
  propagateDeletions: r.propagate_deletions,
  enabled: r.enabled,
  principal: r.principal as unknown as Principal,
  nextRunAt: r.next_run_at,
  driveCursor: r.drive_cursor,
  createdAt: r.created_at,
});

export class SqlSyncJobStore implements SyncJobStore {
  private readonly k: Kysely<DB>;

  constructor(db: Database) {
    this.k = db.tables<DB>('drives');
  }

  async insert(job: Omit<SyncJobRecord, 'createdAt' | 'enabled' | 'driveCursor'>, stamp?: IdempotencyStamp) {
    const row = await this.k
      .insertInto('sync_jobs')
      .values({
        id: job.id,
        project_id: job.projectId,
        owner_id: job.ownerId,
        drive_id: job.driveId,
        folder: job.folder,
        prefix: job.prefix,
        direction: job.direction,
        interval_minutes: job.intervalMinutes,
        propagate_deletions: job.propagateDeletions,
        principal: JSON.stringify(job.principal),
        next_run_at: job.nextRunAt,
        idempotency_key: stamp?.key ?? null,
        request_hash: stamp?.requestHash ?? null,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  private owned(projectId: string, ownerId: string) {
    return this.k
      .selectFrom('sync_jobs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId);
  }

  async get(projectId: string, ownerId: string, id: string) {
    const row = await this.owned(projectId, ownerId).where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async byId(id: string) {
    const row = await this.k.selectFrom('sync_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async byKey(projectId: string, ownerId: string, key: string) {
    const row = await this.owned(projectId, ownerId).where('idempotency_key', '=', key).executeTakeFirst();
    return row ? { record: toJob(row), requestHash: row.request_hash } : undefined;
  }

  async list(projectId: string, ownerId: string, driveId: string | null) {
    let query = this.owned(projectId, ownerId);
    if (driveId) query = query.where('drive_id', '=', driveId);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toJob);
  }

  async setEnabled(id: string, enabled: boolean) {
    await this.k.updateTable('sync_jobs').set({ enabled }).where('id', '=', id).execute();
  }

  async remove(projectId: string, ownerId: string, id: string) {
    const result = await this.k
      .deleteFrom('sync_jobs')
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async takeDue(limit: number) {
    const rows = await this.k
      .updateTable('sync_jobs')
      .set({ next_run_at: sql`now() + make_interval(mins => interval_minutes)` })
      .where(
        'id',
        'in',
        this.k
          .selectFrom('sync_jobs')
          .select('id')
          .where('enabled', '=', true)
          .where('next_run_at', '<=', sql<Date>`now()`)
          .orderBy('next_run_at')
          .limit(limit),
      )
      .where('next_run_at', '<=', sql<Date>`now()`)
      .returningAll()
      .execute();
    return rows.map(toJob);
  }

  async setCursor(id: string, cursor: string) {
    await this.k.updateTable('sync_jobs').set({ drive_cursor: cursor }).where('id', '=', id).execute();
  }

  async dueNow(id: string) {
    await this.k.updateTable('sync_jobs').set({ next_run_at: sql`now()` }).where('id', '=', id).execute();
  }

  async state(syncJobId: string) {
    const rows = await this.k
      .selectFrom('sync_state')
      .selectAll()
      .where('sync_job_id', '=', syncJobId)
      .execute();
    return rows.map((r) => ({
      drivePath: r.drive_path,
      artifactName: r.artifact_name,
      driveVersion: r.drive_version,
      artifactId: r.artifact_id,
    }));
  }

  async saveState(syncJobId: string, state: SyncStateRecord) {
    // A path's pairing replaces any other row of the same drive path or artifact name.
    await this.k.transaction().execute(async (tx) => {
      await tx
        .deleteFrom('sync_state')
        .where('sync_job_id', '=', syncJobId)
        .where((eb) =>
          eb.or([eb('drive_path', '=', state.drivePath), eb('artifact_name', '=', state.artifactName)]),
        )
        .execute();
      await tx
        .insertInto('sync_state')
        .values({
          sync_job_id: syncJobId,
          drive_path: state.drivePath,
          artifact_name: state.artifactName,
          drive_version: state.driveVersion,
          artifact_id: state.artifactId,
        })
        .execute();
    });
  }

  async dropState(syncJobId: string, drivePath: string) {
    await this.k
      .deleteFrom('sync_state')
      .where('sync_job_id', '=', syncJobId)
      .where('drive_path', '=', drivePath)
      .execute();
  }
}
