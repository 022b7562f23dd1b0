import { randomUUID } from 'node:crypto';
import type { AuditFilter, AuditLog } from '@jarvis/audit';
import { apiKeyId, apiKeyMatches, decide, isScope, newApiKey, roleCovers } from '@jarvis/auth';
import type { JarvisConfig } from '@jarvis/config';
import {
  createRequestContext,
  LOCAL_PRINCIPAL,
  type Logger,
  type Principal,
  type RequestContext,
  type Role,
} from '@jarvis/context';
import { badUserInput, conflict, ErrorCode, JarvisError, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import {
  API_KEY_REVOKED_TOPIC,
  type ApiKeyRevoked,
  type Connection,
  decodeCursor,
  listConnection,
  pageSize,
  toConnection,
} from '@jarvis/subgraph';
import { ApiKeyCache } from './apiKeyCache.ts';
import type { ApiKeyRecord, MeRecord, ProjectRecord, UserRecord } from './records.ts';
import type { IdentityStore } from './store/identityStore.ts';

const PROJECT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RANK: Role[] = ['viewer', 'launcher', 'editor', 'admin', 'owner'];
const lower = (a: Role, b: Role) => (RANK.indexOf(a) <= RANK.indexOf(b) ? a : b);

/** What an OpenID provider's token says about a person (after its signature and claims were checked). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  groups: string[];
}

export const unauthenticated = (message: string) => new JarvisError(ErrorCode.UNAUTHENTICATED, message);

export interface IdentityServiceDeps {
  store: IdentityStore;
  audit: AuditLog;
  config: JarvisConfig;
  pubsub: PubSub;
  logger: Logger;
}

/** Who is calling (keys, OpenID Connect), projects, memberships, service accounts, keys, the audit log. */
export class IdentityService {
  private readonly deps: IdentityServiceDeps;
  private readonly keys = new ApiKeyCache();
  private readonly stopping = new AbortController();

  constructor(deps: IdentityServiceDeps) {
    this.deps = deps;
  }

  private get store() {
    return this.deps.store;
  }

  /** The local admin of `auth.mode: local` is a real user row, so `me` and references resolve. */
  async start() {
    await this.store.ensureUser('local', true);
    // Another replica's revocation clears this one's cached key too.
    const revocations = await this.deps.pubsub.subscribe<ApiKeyRevoked>(API_KEY_REVOKED_TOPIC, {
      signal: this.stopping.signal,
    });
    void (async () => {
      for await (const event of revocations) this.keys.forget(event.keyId);
    })().catch((error: unknown) =>
      this.deps.logger.warn({ err: error }, 'key revocations no longer followed'),
    );
  }

  stop() {
    this.stopping.abort();
  }

  // ---- authentication -------------------------------------------------------------------

  /**
   * The caller an API key names, in the key's project with the key's role (never more than its
   * user's role now), or UNAUTHENTICATED. Revoked and expired keys are refused and recorded.
   */
  async principalForKey(
    secret: string,
    context: { requestId: string; clientAddress?: string },
    project?: string,
  ): Promise<Principal> {
    const id = apiKeyId(secret);
    const key = id ? await this.keys.get(id, (keyId) => this.store.apiKey(keyId)) : undefined;
    if (!key || !apiKeyMatches(secret, key.hash))
      throw unauthenticated('the API key is not valid; create one with `jarvis keys create` or createApiKey');
    if (key.revokedAt) {
      await this.recordRefusal(key, 'api key used after revocation', context);
      throw unauthenticated(`API key ${key.id} was revoked; create a new one`);
    }
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
      await this.recordRefusal(key, 'api key used after expiry', context);
      throw unauthenticated(`API key ${key.id} expired at ${key.expiresAt.toISOString()}; create a new one`);
    }
    const roles = await this.keyRoles(key);
    let projectId = key.projectId;
    if (project !== undefined && project !== key.projectId) {
      // A key acts in its own project; only a platform owner's may act in another (as its admin).
      if (!roles.includes('owner'))
        throw unauthenticated(
          `this API key acts in project "${key.projectId}"; drop the x-jarvis-project header or use a key of project "${project}"`,
        );
      projectId = project;
    }
    if (this.keys.touchDue(key.id))
      void this.store
        .touchApiKey(key.id)
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'lastUsedAt not updated'));
    return {
      kind: key.serviceAccountId ? 'service' : 'user',
      userId: key.serviceAccountId ?? key.userId!,
      projectId,
      roles,
      ...(key.scopes ? { scopes: key.scopes } : {}),
      keyId: key.id,
    };
  }

  /** What a key may do today: its role, capped by its user's membership (an owner's admin key is the owner's). */
  private async keyRoles(key: { role: Role; userId: string | null; projectId: string }): Promise<Role[]> {
    if (!key.userId) return [key.role];
    const user = await this.store.user(key.userId);
    // A platform owner's admin key is the owner's: it may create projects.
    if (user?.owner) return key.role === 'admin' ? ['admin', 'owner'] : [key.role];
    const member = await this.store.membership(key.projectId, key.userId);
    return member ? [lower(key.role, member.role)] : [];
  }

  /**
   * A principal as it stands now, for work that acts later in someone's name (a sync job's runs,
   * a queued transfer): the same caller with today's roles, or UNAUTHENTICATED when its key has
   * been revoked or has expired since. The local admin of `auth.mode: local` is always itself.
   */
  async currentPrincipal(principal: Principal): Promise<Principal> {
    if (principal.kind === 'anonymous') throw unauthenticated('an anonymous caller cannot act later');
    if (!principal.keyId) {
      if (principal.userId === LOCAL_PRINCIPAL.userId) return principal;
      const user = await this.store.user(principal.userId);
      if (!user) throw unauthenticated(`user ${principal.userId} no longer exists`);
      const member = await this.store.membership(principal.projectId, principal.userId);
      return {
        ...principal,
        roles: [...(member ? [member.role] : []), ...(user.owner ? (['owner'] as Role[]) : [])],
      };
    }
    const key = await this.store.apiKey(principal.keyId);
    if (!key) throw unauthenticated(`API key ${principal.keyId} no longer exists`);
    if (key.revokedAt) throw unauthenticated(`API key ${key.id} was revoked`);
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now())
      throw unauthenticated(`API key ${key.id} expired at ${key.expiresAt.toISOString()}`);
    return { ...principal, roles: await this.keyRoles(key) };
  }

  /**
   * A person signed in with an OpenID provider: created on first sign-in, memberships from the
   * configured group mapping, acting in `project` (the header) or their first project.
   */
  async principalForOidc(identity: OidcIdentity, project: string | undefined): Promise<Principal> {
    const user = await this.store.signIn(identity);
    const mapping = this.deps.config.auth.oidc?.roles ?? [];
    const grants = new Map<string, Role>();
    let owner = user.owner;
    for (const entry of mapping) {
      if (!identity.groups.includes(entry.group)) continue;
      if (entry.role === 'owner') owner = true;
      else
        grants.set(
          entry.project,
          grants.has(entry.project) ? higher(grants.get(entry.project)!, entry.role) : entry.role,
        );
    }
    const known = new Set((await this.store.projects([...grants.keys()])).map((p) => p.id));
    await this.store.syncOidcMemberships(
      user.id,
      [...grants].filter(([p]) => known.has(p)).map(([projectId, role]) => ({ projectId, role })),
    );
    const memberships = await this.store.membershipsOfUser(user.id);
    const projectId = project ?? memberships[0]?.projectId ?? 'default';
    const role = memberships.find((m) => m.projectId === projectId)?.role;
    return {
      kind: 'user',
      userId: user.id,
      projectId,
      roles: [...(role ? [role] : []), ...(owner ? (['owner'] as Role[]) : [])],
    };
  }

  /** A user acting in another project than their key's default (the `x-jarvis-project` header). */
  async recordSignInFailure(reason: string, context: { requestId: string; clientAddress?: string }) {
    await this.deps.audit.record(this.systemContext('anonymous', 'default', context), {
      service: 'identity',
      action: 'sign-in',
      targets: [],
      outcome: `UNAUTHENTICATED: ${reason}`.slice(0, 300),
    });
  }

  private async recordRefusal(
    key: ApiKeyRecord,
    action: string,
    context: { requestId: string; clientAddress?: string },
  ) {
    const ctx = this.systemContext(key.serviceAccountId ? 'service' : 'user', key.projectId, context, key);
    await this.deps.audit.record(ctx, {
      service: 'identity',
      action,
      targets: [key.id],
      outcome: 'UNAUTHENTICATED',
    });
  }

  private systemContext(
    kind: Principal['kind'],
    projectId: string,
    context: { requestId: string; clientAddress?: string },
    key?: ApiKeyRecord,
  ): RequestContext {
    const principal: Principal = {
      kind,
      userId: key ? (key.serviceAccountId ?? key.userId!) : 'anonymous',
      projectId,
      roles: [],
      ...(key ? { keyId: key.id } : {}),
    };
    return {
      ...createRequestContext(this.deps.logger, principal, context.requestId),
      ...(context.clientAddress ? { clientAddress: context.clientAddress } : {}),
    };
  }

  // ---- the operator's (CLI) --------------------------------------------------------------------

  /**
   * `jarvis keys create`: a key made by whoever can reach the database, no caller to check. A
   * service account's key by default (created with the key's name), or a user's (`user`), who is
   * made a member with the role (and a platform owner with `owner`).
   */
  async issueKey(input: {
    projectId: string;
    name: string;
    role: Role;
    scopes?: string[];
    expiresAt?: Date;
    user?: { id: string; owner: boolean };
  }) {
    if (!(await this.store.project(input.projectId)))
      throw notFound(
        `no project "${input.projectId}"; create it with \`jarvis projects create ${input.projectId}\``,
      );
    const operator: Principal = {
      kind: 'user',
      userId: input.user?.id ?? 'operator',
      projectId: input.projectId,
      roles: ['owner'],
    };
    let serviceAccountId: string | null = null;
    if (input.user) {
      await this.store.ensureUser(input.user.id, input.user.owner);
      await this.store.setMember(
        input.projectId,
        input.user.id,
        input.role === 'owner' ? 'admin' : input.role,
        'admin',
      );
    } else {
      const existing = (await this.store.serviceAccounts(input.projectId)).find((a) => a.name === input.name);
      serviceAccountId = (existing ?? (await this.createServiceAccount(operator, { name: input.name }))).id;
    }
    return this.createApiKey(operator, {
      name: input.name,
      serviceAccountId,
      role: input.role,
      scopes: input.scopes ?? null,
      expiresAt: input.expiresAt ?? null,
    });
  }

  /** `jarvis keys list`: every key of a project, revoked ones too. */
  listKeys = (projectId: string) => this.store.apiKeys(projectId, true);

  /** `jarvis keys revoke`: by id, in whatever project it is. */
  async revokeKey(id: string) {
    const key = await this.store.apiKey(id);
    if (!key) throw notFound(`no API key "${id.slice(0, 80)}"`);
    return this.revokeApiKey(
      { kind: 'user', userId: 'operator', projectId: key.projectId, roles: ['owner'] },
      id,
    );
  }

  /** `jarvis projects create`. */
  createProjectAsOperator = (id: string, name?: string) =>
    this.createProject(
      { kind: 'service', userId: 'operator', projectId: 'default', roles: ['owner'] },
      { id, name: name ?? null },
    );

  // ---- queries ------------------------------------------------------------------------------

  me(principal: Principal): MeRecord {
    return {
      kind: principal.kind === 'service' ? 'SERVICE_ACCOUNT' : 'USER',
      userId: principal.kind === 'service' ? null : principal.userId,
      serviceAccountId: principal.kind === 'service' ? principal.userId : null,
      projectId: principal.projectId,
      roles: principal.roles,
      scopes: principal.scopes ?? null,
      apiKeyId: principal.keyId ?? null,
    };
  }

  user = (id: string) => this.store.user(id);

  /**
   * Whoever an id in another subgraph's `createdBy` names: a user, or a service account of the
   * caller's project shown as one (it made the change with its key).
   */
  async actor(principal: Principal, id: string): Promise<UserRecord | undefined> {
    const user = await this.store.user(id);
    if (user) return user;
    const account = await this.store.serviceAccount(principal.projectId, id);
    return account
      ? {
          id: account.id,
          issuer: null,
          subject: null,
          email: null,
          name: `${account.name} (service account)`,
          owner: false,
          createdAt: account.createdAt,
          lastSeenAt: null,
        }
      : undefined;
  }

  async users(ids: readonly string[]): Promise<Map<string, UserRecord>> {
    return new Map((await this.store.users(ids)).map((u) => [u.id, u]));
  }

  /** The projects the caller may see: theirs, or every one for an owner. A service account sees its own. */
  private async visibleProjects(principal: Principal): Promise<ProjectRecord[]> {
    if (principal.roles.includes('owner')) return this.store.projects();
    if (principal.kind === 'service') return this.store.projects([principal.projectId]);
    const memberships = await this.store.membershipsOfUser(principal.userId);
    return this.store.projects(memberships.map((m) => m.projectId));
  }

  async projects(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.visibleProjects(principal), first, after);
  }

  async project(principal: Principal, id: string) {
    return (await this.visibleProjects(principal)).find((p) => p.id === id);
  }

  /** The project a request acts in (known to exist or not, it is the caller's own). */
  projectRecord = (id: string) => this.store.project(id);

  async members(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.members(principal.projectId), first, after);
  }

  async serviceAccounts(principal: Principal, first?: number | null, after?: string | null) {
    return listConnection(await this.store.serviceAccounts(principal.projectId), first, after);
  }

  serviceAccount = (principal: Principal, id: string) => this.store.serviceAccount(principal.projectId, id);

  async apiKeys(principal: Principal, includeRevoked: boolean, first?: number | null, after?: string | null) {
    return listConnection(await this.store.apiKeys(principal.projectId, includeRevoked), first, after);
  }

  async apiKey(principal: Principal, id: string) {
    const key = await this.store.apiKey(id);
    return key?.projectId === principal.projectId ? key : undefined;
  }

  async auditEvents(
    principal: Principal,
    filter: AuditFilter,
    first?: number | null,
    after?: string | null,
  ): Promise<Connection<unknown>> {
    const limit = pageSize(first);
    const cursor = decodeCursor<{ seq: number }>(after);
    if (cursor && !Number.isSafeInteger(cursor.seq))
      throw badUserInput(`"after" is not a cursor this API returned: ${JSON.stringify(after)}`, {
        argument: 'after',
      });
    const { events, total } = await this.deps.audit.list(principal.projectId, filter, limit + 1, cursor?.seq);
    return toConnection(events, limit, (e) => ({ seq: e.seq }), total, cursor !== undefined);
  }

  // ---- mutations ------------------------------------------------------------------------------

  async createProject(principal: Principal, input: { id: string; name?: string | null }) {
    if (!PROJECT_ID.test(input.id))
      throw badUserInput(
        `a project id is 1–63 lowercase letters, digits and dashes, starting with a letter or digit; got ${JSON.stringify(input.id.slice(0, 80))}`,
        { argument: 'input.id' },
      );
    const name = (input.name ?? input.id).trim();
    if (!name || name.length > 200 || name.includes('\u0000'))
      throw badUserInput('a project name is 1–200 characters', { argument: 'input.name' });
    if (!(await this.store.createProject({ id: input.id, name, createdBy: principal.userId })))
      throw conflict(`project "${input.id}" exists already`, { reason: 'ALREADY_EXISTS' });
    if (principal.kind === 'user') {
      await this.store.ensureUser(principal.userId);
      await this.store.setMember(input.id, principal.userId, 'admin', 'admin');
    }
    return (await this.store.project(input.id))!;
  }

  async setMember(principal: Principal, input: { userId: string; role: Role }) {
    if (input.role === 'owner')
      throw badUserInput(
        'OWNER is a platform role; give it with `jarvis keys create --owner` or the OpenID group mapping',
        { argument: 'input.role' },
      );
    if (!roleCovers(principal.roles, input.role))
      throw new JarvisError(
        ErrorCode.FORBIDDEN,
        `you cannot give a role above your own (${principal.roles.join(', ') || 'none'})`,
      );
    const user = await this.store.user(input.userId);
    if (!user)
      throw notFound(`no user "${input.userId.slice(0, 80)}"; people appear after their first sign-in`, {
        argument: 'input.userId',
      });
    return this.store.setMember(principal.projectId, user.id, input.role, 'admin');
  }

  removeMember = (principal: Principal, userId: string) =>
    this.store.removeMember(principal.projectId, userId);

  async createServiceAccount(principal: Principal, input: { name: string; description?: string | null }) {
    const name = input.name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name))
      throw badUserInput('a service account name is 1–100 letters, digits, dots, dashes and underscores', {
        argument: 'input.name',
      });
    const created = await this.store.createServiceAccount({
      id: `sa-${randomUUID()}`,
      projectId: principal.projectId,
      name,
      description: input.description?.slice(0, 1000) ?? null,
      createdBy: principal.userId,
    });
    if (!created)
      throw conflict(`a service account named "${name}" exists in this project`, {
        reason: 'ALREADY_EXISTS',
      });
    return created;
  }

  async createApiKey(
    principal: Principal,
    input: {
      name: string;
      serviceAccountId?: string | null;
      role: Role;
      scopes?: readonly string[] | null;
      expiresAt?: Date | null;
    },
  ) {
    const name = input.name.trim();
    if (!name || name.length > 200 || name.includes('\u0000'))
      throw badUserInput('a key name is 1–200 characters', { argument: 'input.name' });
    if (input.role === 'owner')
      throw badUserInput('a key acts in one project: its role is VIEWER to ADMIN', {
        argument: 'input.role',
      });
    if (!roleCovers(principal.roles, input.role))
      throw new JarvisError(
        ErrorCode.FORBIDDEN,
        `you cannot create a key above your own role (${principal.roles.join(', ') || 'none'})`,
      );
    const bad = (input.scopes ?? []).filter((s) => !isScope(s));
    if (bad.length)
      throw badUserInput(
        `not scopes: ${bad.map((s) => JSON.stringify(s.slice(0, 60))).join(', ')}; a scope is <area>:<action>, e.g. storage:read or experiments:write`,
        { argument: 'input.scopes' },
      );
    // A scope only narrows: one the role does not grant would never apply, so it is a mistake.
    const beyond = (input.scopes ?? []).filter((scope) => {
      const [area, action] = scope.split(':') as [string, string];
      if (action === '*') return false;
      const probe: Principal = { kind: 'service', userId: '-', projectId: '-', roles: [input.role] };
      return decide(probe, `${area === '*' ? 'storage' : area}:${action}`) !== 'allowed';
    });
    if (beyond.length)
      throw badUserInput(
        `the ${input.role} role does not grant ${beyond.join(', ')}: scopes only narrow a key's role; give it a higher role or drop them`,
        { argument: 'input.scopes' },
      );
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
      throw badUserInput('expiresAt is in the past', { argument: 'input.expiresAt' });
    let serviceAccountId: string | null = null;
    let userId: string | null = null;
    if (input.serviceAccountId) {
      const account = await this.store.serviceAccount(principal.projectId, input.serviceAccountId);
      if (!account)
        throw notFound(`no service account "${input.serviceAccountId.slice(0, 80)}" in this project`, {
          argument: 'input.serviceAccountId',
        });
      serviceAccountId = account.id;
    } else if (principal.kind === 'service') serviceAccountId = principal.userId;
    else {
      await this.store.ensureUser(principal.userId);
      userId = principal.userId;
    }
    const { id, secret, hash } = newApiKey();
    const apiKey = await this.store.createApiKey({
      id,
      projectId: principal.projectId,
      userId,
      serviceAccountId,
      name,
      hash,
      role: input.role,
      scopes: input.scopes?.length ? [...new Set(input.scopes)] : null,
      expiresAt: input.expiresAt ?? null,
      createdBy: principal.userId,
    });
    return { apiKey, secret };
  }

  async revokeApiKey(principal: Principal, id: string) {
    const key = await this.store.revokeApiKey(principal.projectId, id);
    this.keys.forget(id);
    if (!key) throw notFound(`no API key "${id.slice(0, 80)}" in this project`, { argument: 'id' });
    const event: ApiKeyRevoked = { projectId: key.projectId, keyId: key.id, at: new Date().toISOString() };
    await this.deps.pubsub
      .publish(API_KEY_REVOKED_TOPIC, event)
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'key revocation not announced'));
    return key;
  }
}

const higher = (a: Role, b: Role) => (RANK.indexOf(a) >= RANK.indexOf(b) ? a : b);
