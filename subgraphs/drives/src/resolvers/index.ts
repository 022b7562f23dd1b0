import { DateTimeScalar } from '@jarvis/subgraph';
import { SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.ts';
import type { DrivesService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: DrivesService): Resolvers {
  return {
    DateTime: DateTimeScalar,
    SafeInt: SafeIntResolver,
    Query: {
      drives: (_p, _a, ctx) => service.drives(ctx.principal),
      drive: async (_p, { id }, ctx) => (await service.drive(ctx.principal, id)) ?? null,
    },
    Mutation: {
      connectWebdavDrive: (_p, input, ctx) => service.connectWebdav(ctx.principal, input),
      connectLocalDrive: (_p, input, ctx) => service.connectLocal(ctx.principal, input),
      connectDrive: (_p, { provider, name }, ctx) => service.connectDrive(ctx.principal, provider, name),
      disconnectDrive: (_p, { id }, ctx) => service.disconnect(ctx.principal, id),
    },
    Drive: {
      __resolveReference: async (ref, ctx) => (await service.drive(ctx.principal, ref.id)) ?? null,
      files: (drive, { folder, recursive }, _ctx) => service.files(drive, folder ?? '', recursive ?? false),
    },
  };
}
