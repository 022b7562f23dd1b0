import { randomUUID } from 'node:crypto';
import type { Role } from '@jarvis/context';
import { type Database, jsonb } from '@jarvis/db';
import { type Selectable, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import type {
  ApiKeyRecord,
  MembershipRecord,
  ProjectRecord,
  ServiceAccountRecord,
  UserRecord,
} from '../records.ts';
import type { IdentityStore, NewApiKeyRow } from './identityStore.ts';

const toUser = (r: Selectable<DB['users']>): UserRecord => ({
  id: r.id,
  issuer: r.issuer,
  subject: r.subject,
  email: r.email,
  name: r.name,
  owner: r.owner,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
});
const toProject = (r: Selectable<DB['projects']>): ProjectRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
});
const toMembership = (r: Selectable<DB['memberships']>): MembershipRecord => ({
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  role: r.role as Role,
  source: r.source as 'admin' | 'oidc',
  createdAt: r.created_at,
});
const toServiceAccount = (r: Selectable<DB['service_accounts']>): ServiceAccountRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
});
const toApiKey = (r: Selectable<DB['api_keys']>): ApiKeyRecord => ({
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  serviceAccountId: r.service_account_id,
  name: r.name,
  hash: r.hash,
  role: r.role as Role,
  scopes: (r.scopes as string[] | null) ?? null,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function sqlIdentityStore(database: Database): IdentityStore {
  const db = database.tables<DB>('identity');
  return {
    async user(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async users(ids) {
      if (!ids.length) return [];
      return (
        await db
          .selectFrom('users')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).map(toUser);
    },
    async signIn(claims) {
      // One statement, so two first sign-ins at once make one user.
      const row = await db
        .insertInto('users')
        .values({
          id: randomUUID(),
          issuer: claims.issuer,
          subject: claims.subject,
          email: claims.email,
          name: claims.name,
          last_seen_at: new Date(),
        })
        .onConflict((oc) =>
          oc.columns(['issuer', 'subject']).doUpdateSet({
            email: claims.email,
            name: claims.name,
            last_seen_at: new Date(),
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    async ensureUser(id, owner = false) {
      await db
        .insertInto('users')
        .values({ id, owner })
        .onConflict((oc) =>
          owner ? oc.column('id').doUpdateSet({ owner: true }) : oc.column('id').doNothing(),
        )
        .execute();
      return toUser(await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    },
    async project(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProject(row) : undefined;
    },
    async projects(ids) {
      let query = db.selectFrom('projects').selectAll().orderBy('id');
      if (ids) {
        if (!ids.length) return [];
        query = query.where('id', 'in', [...ids]);
      }
      return (await query.execute()).map(toProject);
    },
    async createProject(project) {
      const rows = await db
        .insertInto('projects')
        .values({ id: project.id, name: project.name, created_by: project.createdBy })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      return rows.length === 1;
    },
    async membership(projectId, userId) {
      const row = await db
        .selectFrom('memberships')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toMembership(row) : undefined;
    },
    async membershipsOfUser(userId) {
      return (
        await db
          .selectFrom('memberships')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('project_id')
          .execute()
      ).map(toMembership);
    },
    async members(projectId) {
      return (
        await db
          .selectFrom('memberships')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map(toMembership);
    },
    async setMember(projectId, userId, role, source) {
      const row = await db
        .insertInto('memberships')
        .values({ id: randomUUID(), project_id: projectId, user_id: userId, role, source })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role, source }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMembership(row);
    },
    async syncOidcMemberships(userId, grants) {
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('identity.memberships'), hashtext(${userId}))`.execute(
          trx,
        );
        const keep = grants.map((g) => g.projectId);
        let stale = trx.deleteFrom('memberships').where('user_id', '=', userId).where('source', '=', 'oidc');
        if (keep.length) stale = stale.where('project_id', 'not in', keep);
        await stale.execute();
        for (const grant of grants) {
          await trx
            .insertInto('memberships')
            .values({
              id: randomUUID(),
              project_id: grant.projectId,
              user_id: userId,
              role: grant.role,
              source: 'oidc',
            })
            // An admin's explicit grant wins over the provider's groups.
            .onConflict((oc) =>
              oc
                .columns(['project_id', 'user_id'])
                .doUpdateSet({ role: grant.role })
                .where('memberships.source', '=', 'oidc'),
            )
            .execute();
        }
      });
    },
    async removeMember(projectId, userId) {
      const rows = await db
        .deleteFrom('memberships')
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .returning('id')
        .execute();
      return rows.length > 0;
    },
    async serviceAccount(projectId, id) {
      const row = await db
        .selectFrom('service_accounts')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toServiceAccount(row) : undefined;
    },
    async serviceAccounts(projectId) {
      return (
        await db
          .selectFrom('service_accounts')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('name')
          .execute()
      ).map(toServiceAccount);
    },
    async createServiceAccount(account) {
      const row = await db
        .insertInto('service_accounts')
        .values({
          id: account.id,
          project_id: account.projectId,
          name: account.name,
          description: account.description,
          created_by: account.createdBy,
        })
        .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toServiceAccount(row) : undefined;
    },
    async apiKey(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
    async apiKeys(projectId, includeRevoked) {
      let query = db.selectFrom('api_keys').selectAll().where('project_id', '=', projectId);
      if (!includeRevoked) query = query.where('revoked_at', 'is', null);
      return (await query.orderBy('created_at', 'desc').orderBy('id').execute()).map(toApiKey);
    },
    async createApiKey(key: NewApiKeyRow) {
      const row = await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          project_id: key.projectId,
          user_id: key.userId,
          service_account_id: key.serviceAccountId,
          name: key.name,
          hash: key.hash,
          role: key.role,
          scopes: key.scopes ? jsonb(key.scopes) : null,
          expires_at: key.expiresAt,
          created_by: key.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiKey(row);
    },
    async revokeApiKey(projectId, id) {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toApiKey(row) : undefined;
    },
    async touchApiKey(id) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: new Date() })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('last_used_at', 'is', null),
            eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
          ]),
        )
        .execute();
    },
  };
}
