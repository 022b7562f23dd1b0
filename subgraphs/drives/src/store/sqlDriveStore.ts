import type { Database } from '@jarvis/db';
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type { ConsentRecord, DriveRecord, DriveStatus } from '../records.ts';
import type { DriveStore } from './driveStore.ts';

const toDrive = (r: Selectable<DB['drives']>): DriveRecord => ({
  id: r.id,
  projectId: r.project_id,
  ownerId: r.owner_id,
  name: r.name,
  provider: r.provider as DriveRecord['provider'],
  status: r.status as DriveStatus,
  location: r.location,
  settings: r.settings as Record<string, string>,
  secret: r.secret,
  createdAt: r.created_at,
});

export class SqlDriveStore implements DriveStore {
  private readonly k: Kysely<DB>;

  constructor(db: Database) {
    this.k = db.tables<DB>('drives');
  }

  async insert(drive: Omit<DriveRecord, 'createdAt'>) {
    const row = await this.k
      .insertInto('drives')
      .values({
        id: drive.id,
        project_id: drive.projectId,
        owner_id: drive.ownerId,
        name: drive.name,
        provider: drive.provider,
        status: drive.status,
        location: drive.location,
        settings: JSON.stringify(drive.settings),
        secret: drive.secret,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toDrive(row) : undefined;
  }

  async list(projectId: string, ownerId: string) {
    const rows = await this.k
      .selectFrom('drives')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toDrive);
  }

  async get(projectId: string, ownerId: string, id: string) {
    const row = await this.k
      .selectFrom('drives')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toDrive(row) : undefined;
  }

  async setStatus(id: string, status: DriveStatus) {
    await this.k.updateTable('drives').set({ status }).where('id', '=', id).execute();
  }

  async setSecret(id: string, secret: string) {
    await this.k.updateTable('drives').set({ secret, status: 'CONNECTED' }).where('id', '=', id).execute();
  }

  async insertConsent(consent: Omit<ConsentRecord, 'createdAt'>) {
    await this.k
      .insertInto('oauth_states')
      .values({
        state: consent.state,
        project_id: consent.projectId,
        owner_id: consent.ownerId,
        name: consent.name,
        provider: consent.provider,
        verifier: consent.verifier,
      })
      .execute();
  }

  async takeConsent(state: string) {
    const row = await this.k
      .deleteFrom('oauth_states')
      .where('state', '=', state)
      .returningAll()
      .executeTakeFirst();
    return row
      ? {
          state: row.state,
          projectId: row.project_id,
          ownerId: row.owner_id,
          name: row.name,
          provider: row.provider as ConsentRecord['provider'],
          verifier: row.verifier,
          createdAt: row.created_at,
        }
      : undefined;
  }

  async remove(projectId: string, ownerId: string, id: string) {
    const result = await this.k
      .deleteFrom('drives')
      .where('project_id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
