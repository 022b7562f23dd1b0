import { DateTimeScalar, JSONScalar } from '@jarvis/subgraph';
import { SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.ts';
import type { StorageService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: StorageService): Resolvers {
  return {
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    SafeInt: SafeIntResolver,
    Query: {
      artifact: async (_p, { id }, ctx) => (await service.artifact(ctx.principal, id)) ?? null,
      artifactByName: async (_p, { name, version, alias }, ctx) =>
        (await service.artifactByName(ctx.principal, name, version, alias)) ?? null,
      artifacts: (_p, { filter, orderBy, first, after }, ctx) =>
        service.list(
          ctx.principal,
          filter ?? {},
          orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'DESC' } : undefined,
          first,
          after,
        ),
      artifactUpload: async (_p, { id }, ctx) => (await service.upload(ctx.principal, id)) ?? null,
    },
    Mutation: {
      createArtifactUpload: (_p, { input }, ctx) => service.createUpload(ctx.principal, input),
      completeArtifactUpload: (_p, { uploadId }, ctx) => service.completeUpload(ctx.principal, uploadId),
      abortArtifactUpload: (_p, { uploadId }, ctx) => service.abortUpload(ctx.principal, uploadId),
      storeSmallArtifact: (_p, { input, contentBase64 }, ctx) =>
        service.storeSmall(ctx.principal, input, contentBase64),
      setArtifactAlias: (_p, { name, alias, version }, ctx) =>
        service.setAlias(ctx.principal, name, alias, version),
      deleteArtifactAlias: (_p, { name, alias }, ctx) => service.deleteAlias(ctx.principal, name, alias),
      deleteArtifact: (_p, { id }, ctx) => service.setDeleted(ctx.principal, id, true),
      restoreArtifact: (_p, { id }, ctx) => service.setDeleted(ctx.principal, id, false),
      collectGarbage: () => service.collectGarbage(),
    },
    Artifact: {
      __resolveReference: async (ref, ctx) => (await service.artifact(ctx.principal, ref.id)) ?? null,
      aliases: (artifact, _a, ctx) => service.aliasesOf(ctx.principal, artifact),
      derivedFrom: (artifact, _a, ctx) => service.parents(ctx.principal, artifact),
      derivatives: (artifact, _a, ctx) => service.children(ctx.principal, artifact),
      lineage: (artifact, { depth, direction }, ctx) =>
        service.lineage(ctx.principal, artifact, depth ?? 3, direction ?? 'BOTH'),
      downloadUrl: (artifact, { expiresInSeconds }) =>
        service.downloadUrl(artifact, expiresInSeconds ?? 3600),
      contentPath: (artifact) => service.contentPath(artifact),
      compressed: (artifact) => artifact.encoding !== 'identity',
      createdBy: (artifact) => ({ id: artifact.createdBy }),
    },
    ArtifactAlias: {
      updatedBy: (alias) => ({ id: alias.updatedBy }),
      artifact: async (alias, _a, ctx) =>
        (await service.artifactByName(ctx.principal, alias.name, alias.version))!,
    },
    ArtifactUpload: {
      parts: (upload) =>
        upload.partUrls.map((url, i) => ({
          partNumber: i + 1,
          url,
          size:
            i + 1 < upload.partCount
              ? upload.partSize
              : upload.size - upload.partSize * (upload.partCount - 1),
        })),
      receivedParts: async (upload) =>
        (await service.receivedParts(upload)).map((p) => ({ partNumber: p.partNumber, size: p.size })),
      artifact: async (upload, _a, ctx) =>
        upload.artifactId ? ((await service.artifact(ctx.principal, upload.artifactId)) ?? null) : null,
    },
    ModelVersion: {
      __resolveReference: (ref) => ref,
      artifact: async (v, _a, ctx) => (await service.modelArtifact(ctx.principal, v)) ?? null,
      files: (v, _a, ctx) => service.modelFiles(ctx.principal, v),
    },
    LoggedModel: {
      __resolveReference: (ref) => ref,
      files: (m, _a, ctx) => service.modelFiles(ctx.principal, { source: m.artifactLocation }),
    },
    Run: {
      __resolveReference: (ref) => ({ id: ref.id }),
      artifacts: (run, { kind, first, after }, ctx) =>
        service.list(ctx.principal, { runId: run.id, ...(kind ? { kind } : {}) }, undefined, first, after),
    },
  };
}
