import { decide } from '@jarvis/auth';
import type { Role } from '@jarvis/context';
import { DateTimeScalar } from '@jarvis/subgraph';
import type { Resolvers, Role as RoleEnum } from '../generated/resolvers.ts';
import type { IdentityService } from '../service.ts';

const fromEnum = (role: RoleEnum) => role.toLowerCase() as Role;
const toEnum = (role: Role) => role.toUpperCase() as RoleEnum;

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: IdentityService): Resolvers {
  return {
    DateTime: DateTimeScalar,
    Query: {
      me: (_p, _a, ctx) => service.me(ctx.principal),
      projects: (_p, { first, after }, ctx) => service.projects(ctx.principal, first, after),
      project: async (_p, { id }, ctx) => (await service.project(ctx.principal, id)) ?? null,
      members: (_p, { first, after }, ctx) => service.members(ctx.principal, first, after),
      serviceAccounts: (_p, { first, after }, ctx) => service.serviceAccounts(ctx.principal, first, after),
      apiKeys: (_p, { includeRevoked, first, after }, ctx) =>
        service.apiKeys(ctx.principal, includeRevoked ?? false, first, after),
      auditEvents: (_p, { filter, first, after }, ctx) =>
        service.auditEvents(ctx.principal, filter ?? {}, first, after) as never,
    },
    Mutation: {
      createProject: (_p, { input }, ctx) => service.createProject(ctx.principal, input),
      setMember: (_p, { input }, ctx) =>
        service.setMember(ctx.principal, { userId: input.userId, role: fromEnum(input.role) }),
      removeMember: (_p, { userId }, ctx) => service.removeMember(ctx.principal, userId),
      createServiceAccount: (_p, { input }, ctx) => service.createServiceAccount(ctx.principal, input),
      createApiKey: (_p, { input }, ctx) =>
        service.createApiKey(ctx.principal, { ...input, role: fromEnum(input.role) }),
      revokeApiKey: (_p, { id }, ctx) => service.revokeApiKey(ctx.principal, id),
    },
    Me: {
      user: async (me) => (me.userId ? ((await service.user(me.userId)) ?? null) : null),
      serviceAccount: async (me, _a, ctx) =>
        me.serviceAccountId
          ? ((await service.serviceAccount(ctx.principal, me.serviceAccountId)) ?? null)
          : null,
      project: async (me) => ({
        id: me.projectId,
        name: me.projectId,
        createdAt: new Date(0),
        ...(await projectOf(service, me.projectId)),
      }),
      roles: (me) => me.roles.map(toEnum),
      // Me is always the caller, so the request's principal is the one asked about.
      allowed: (_me, { scopes }, ctx) => scopes.filter((scope) => decide(ctx.principal, scope) === 'allowed'),
    },
    User: {
      __resolveReference: async (ref, ctx) => (await service.actor(ctx.principal, ref.id)) ?? null,
    },
    Project: {
      __resolveReference: async (ref, ctx) => (await service.project(ctx.principal, ref.id)) ?? null,
    },
    Membership: {
      user: async (m) => (await service.user(m.userId))!,
      role: (m) => toEnum(m.role),
    },
    ServiceAccount: {
      __resolveReference: async (ref, ctx) => (await service.serviceAccount(ctx.principal, ref.id)) ?? null,
    },
    ApiKey: {
      __resolveReference: async (ref, ctx) => (await service.apiKey(ctx.principal, ref.id)) ?? null,
      prefix: (key) => `jv_${key.id}_`,
      user: async (key) => (key.userId ? ((await service.user(key.userId)) ?? null) : null),
      serviceAccount: async (key, _a, ctx) =>
        key.serviceAccountId
          ? ((await service.serviceAccount(ctx.principal, key.serviceAccountId)) ?? null)
          : null,
      role: (key) => toEnum(key.role),
    },
    AuditEvent: {
      actorKind: (e) => e.actorKind.toUpperCase(),
      apiKeyId: (e) => e.keyId,
    },
  };
}

const projectOf = async (service: IdentityService, id: string) => service.projectRecord(id);
