import { batchedLoad, DateTimeScalar } from '@jarvis/subgraph';
import { SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.ts';
import type { ImportedFileRecord } from '../records.ts';
import type { DrivesService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: DrivesService): Resolvers {
  return {
    DateTime: DateTimeScalar,
    SafeInt: SafeIntResolver,
    Query: {
      drives: (_p, _a, ctx) => service.drives(ctx.principal),
      drive: async (_p, { id }, ctx) => (await service.drive(ctx.principal, id)) ?? null,
      driveTransfer: async (_p, { id }, ctx) => (await service.transfer(ctx.principal, id)) ?? null,
      driveTransfers: (_p, { driveId, first }, ctx) => service.transferList(ctx.principal, driveId, first),
      searchDriveFiles: (_p, { query, driveId, first }, ctx) =>
        service.search(ctx.principal, query, driveId, first),
      syncJobs: (_p, { driveId }, ctx) => service.syncJobList(ctx.principal, driveId),
      syncJob: async (_p, { id }, ctx) => (await service.syncJob(ctx.principal, id)) ?? null,
    },
    Mutation: {
      connectWebdavDrive: (_p, input, ctx) => service.connectWebdav(ctx.principal, input),
      connectLocalDrive: (_p, input, ctx) => service.connectLocal(ctx.principal, input),
      connectDrive: (_p, { provider, name }, ctx) => service.connectDrive(ctx.principal, provider, name),
      disconnectDrive: (_p, { id }, ctx) => service.disconnect(ctx.principal, id),
      importFromDrive: (_p, input, ctx) => service.importFromDrive(ctx.principal, input),
      exportToDrive: (_p, input, ctx) => service.exportToDrive(ctx.principal, input),
      cancelDriveTransfer: (_p, { id }, ctx) => service.cancelTransfer(ctx.principal, id),
      createSharedFolder: (_p, input, ctx) => service.createSharedFolder(ctx.principal, input),
      createSyncJob: (_p, input, ctx) => service.createSyncJob(ctx.principal, input),
      runSyncJob: (_p, { id }, ctx) => service.runSyncJob(ctx.principal, id),
      setSyncJobEnabled: (_p, { id, enabled }, ctx) => service.setSyncJobEnabled(ctx.principal, id, enabled),
      deleteSyncJob: (_p, { id }, ctx) => service.deleteSyncJob(ctx.principal, id),
    },
    Drive: {
      __resolveReference: async (ref, ctx) => (await service.drive(ctx.principal, ref.id)) ?? null,
      files: (drive, { folder, recursive }, _ctx) => service.files(drive, folder ?? '', recursive ?? false),
    },
    DriveTransfer: {
      __resolveReference: async (ref, ctx) => (await service.transfer(ctx.principal, ref.id)) ?? null,
      drive: async (t, _a, ctx) => (await service.drive(ctx.principal, t.driveId)) ?? null,
      progress: (t) => (t.bytesTotal > 0 ? Math.min(1, t.bytesDone / t.bytesTotal) : t.finishedAt ? 1 : 0),
      files: (t, { first, after }) => service.transferFiles(t.id, first, after),
      syncJob: async (t, _a, ctx) =>
        t.syncJobId ? ((await service.syncJob(ctx.principal, t.syncJobId)) ?? null) : null,
    },
    SyncJob: {
      __resolveReference: async (ref, ctx) => (await service.syncJob(ctx.principal, ref.id)) ?? null,
      drive: async (job, _a, ctx) => (await service.drive(ctx.principal, job.driveId)) ?? null,
      runs: (job, { first }) => service.syncRuns(job.id, first),
    },
    DriveTransferFile: {
      artifact: (f) => (f.artifactId ? { id: f.artifactId } : null),
    },
    DriveSearchHit: {
      drive: async (hit, _a, ctx) => (await service.drive(ctx.principal, hit.driveId))!,
      file: (hit) => ({
        path: hit.path,
        name: hit.name,
        folder: false,
        size: hit.size,
        modifiedAt: hit.modifiedAt,
        mimeType: hit.mimeType,
        version: hit.version,
        providerId: hit.providerId,
      }),
      artifact: (hit) => (hit.artifactId ? { id: hit.artifactId } : null),
    },
    DriveFileSource: {
      drive: async (source, _a, ctx) => (await service.drive(ctx.principal, source.driveId)) ?? null,
    },
    Artifact: {
      __resolveReference: (ref) => ref,
      source: async (artifact, _a, ctx) =>
        (await batchedLoad<ImportedFileRecord>(
          ctx,
          'drives.ArtifactSource',
          async (ids) => new Map((await service.sources(ctx.principal, ids)).map((s) => [s.artifactId, s])),
          artifact.id,
        )) ?? null,
    },
  };
}
