import { DateTimeScalar, JSONScalar } from '@jarvis/subgraph';
import type { Resolvers } from '../generated/resolvers.ts';
import type { PlatformService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: PlatformService): Resolvers {
  return {
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    Query: {
      config: () => service.effectiveConfig(),
      settings: (_p, { component, first, after }, ctx) =>
        service.settings(ctx.principal, component, first, after),
      setting: async (_p, { component, key }, ctx) =>
        (await service.setting(ctx.principal, component, key)) ?? null,
      health: () => service.checkHealth(),
      serviceHealth: async (_p, { name }) => (await service.checkOne(name)) ?? null,
      jobs: () => service.jobs(),
    },
    Mutation: {
      setSetting: (_p, { component, key, value, idempotencyKey }, ctx) =>
        service.setSetting(ctx.principal, component, key, value, idempotencyKey),
      deleteSetting: (_p, { component, key }, ctx) => service.deleteSetting(ctx.principal, component, key),
    },
    Setting: {
      __resolveReference: async (ref, ctx) =>
        (await service.setting(ctx.principal, ref.component, ref.key)) ?? null,
      history: (setting, { first, after }, ctx) => service.history(ctx.principal, setting, first, after),
      updatedBy: (setting) => ({ id: setting.updatedBy }),
    },
    SettingChange: {
      changedBy: (change) => ({ id: change.changedBy }),
    },
    ServiceHealth: {
      __resolveReference: async (ref) => (await service.checkOne(ref.name)) ?? null,
    },
  };
}
