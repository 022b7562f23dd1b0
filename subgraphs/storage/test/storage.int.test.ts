import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { gql, type MinioServer, startMinio, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACT_FIELDS,
  complete,
  createUpload,
  download,
  type Fetch,
  send,
  sendPart,
  sha256,
  storageBackends,
  uploadArtifact,
} from './storageApi.ts';

const MiB = 1024 * 1024;

for (const backend of storageBackends) {
  describe(`storage through the router on the ${backend.name}`, () => {
    let jarvis: Awaited<ReturnType<typeof testJarvis>>;
    let minio: MinioServer | undefined;
    let fetch: Fetch;

    beforeAll(async () => {
      if (backend.name.startsWith('MinIO')) minio = await startMinio();
      jarvis = await testJarvis({
        services: { storage: { ...backend.storage(minio), max_upload_bytes: 64 * MiB, retention_days: 0 } },
      });
      fetch = jarvis.router.fetch;
    });
    afterAll(async () => {
      await jarvis[Symbol.asyncDispose]();
      await minio?.stop();
    });

    it('a component uploads a model, points production at it, downloads it identical, rolls back, lists by run and kind', async () => {
      const v1bytes = randomBytes(6 * MiB + 123);
      const v2bytes = randomBytes(5 * MiB + 7);
      const common = {
        name: 'hockey/role-classifier.pt',
        kind: 'MODEL',
        component: 'toolchain',
        runId: 'run-42',
        partSize: 5 * MiB,
      };
      const v1 = await uploadArtifact(fetch, v1bytes, {
        ...common,
        metadata: { accuracy: 0.91 },
        tags: ['resnet'],
      });
      const v2 = await uploadArtifact(fetch, v2bytes, { ...common, metadata: { accuracy: 0.94 } });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v2.sha256).toBe(sha256(v2bytes));

      const set = await gql<{ setArtifactAlias: { version: number; artifact: { id: string } } }>(
        fetch,
        'mutation { setArtifactAlias(name: "hockey/role-classifier.pt", alias: "production", version: 2) { version artifact { id } } }',
      );
      expect(set.data!.setArtifactAlias).toEqual({ version: 2, artifact: { id: v2.id } });

      const prod = await gql<{ artifactByName: { id: string; downloadUrl: string; aliases: string[] } }>(
        fetch,
        `{ artifactByName(name: "hockey/role-classifier.pt", alias: "production") { ${ARTIFACT_FIELDS} } }`,
      );
      expect(prod.data!.artifactByName.aliases).toEqual(['latest', 'production']);
      const url = prod.data!.artifactByName.downloadUrl;
      expect(url.startsWith('http')).toBe(backend.name.startsWith('MinIO')); // presigned only on S3
      const got = await download(fetch, url);
      expect(got.status).toBe(200);
      expect(got.body.equals(v2bytes)).toBe(true);
      // The streaming endpoint serves it too, whole and by range.
      const streamed = await download(fetch, v2.contentPath, { range: 'bytes=1000-2999' });
      expect(streamed.status).toBe(206);
      expect(streamed.headers.get('content-range')).toBe(`bytes 1000-2999/${v2bytes.length}`);
      expect(streamed.body.equals(v2bytes.subarray(1000, 3000))).toBe(true);

      await gql(
        fetch,
        'mutation { setArtifactAlias(name: "hockey/role-classifier.pt", alias: "production", version: 1) { version } }',
      );
      const rolledBack = await gql<{ artifactByName: { id: string; aliases: string[] } }>(
        fetch,
        '{ artifactByName(name: "hockey/role-classifier.pt", alias: "production") { id aliases } }',
      );
      expect(rolledBack.data!.artifactByName).toEqual({ id: v1.id, aliases: ['production'] });
      expect((await download(fetch, v1.contentPath)).body.equals(v1bytes)).toBe(true);

      const report = Buffer.from('{"f1": 0.88}');
      const small = await gql<{ storeSmallArtifact: { id: string; kind: string } }>(
        fetch,
        'mutation($input: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $input, contentBase64: $c) { id kind } }',
        {
          input: {
            name: 'hockey/eval.json',
            kind: 'REPORT',
            size: report.length,
            sha256: sha256(report),
            runId: 'run-42',
            contentType: 'application/json',
          },
          c: report.toString('base64'),
        },
      );
      expect(small.errors).toBeUndefined();
      const byRun = await gql<{
        artifacts: { totalCount: number; edges: { node: { name: string; version: number } }[] };
      }>(
        fetch,
        '{ artifacts(filter: { runId: "run-42", kind: MODEL }, orderBy: { field: NAME, direction: ASC }) { totalCount edges { node { name version } } } }',
      );
      expect(byRun.data!.artifacts).toEqual({
        totalCount: 2,
        edges: [
          { node: { name: 'hockey/role-classifier.pt', version: 1 } },
          { node: { name: 'hockey/role-classifier.pt', version: 2 } },
        ],
      });
      const tagged = await gql<{ artifacts: { totalCount: number } }>(
        fetch,
        '{ artifacts(filter: { tag: "resnet" }) { totalCount } }',
      );
      expect(tagged.data!.artifacts.totalCount).toBe(1);

      // Run.artifacts, contributed to the experiments subgraph's Run by reference.
      const storage = jarvis.subgraphs.find((s) => s.name === 'storage')!;
      const { graphql } = await import('graphql');
      const entities = await graphql({
        schema: storage.schema,
        source:
          'query($r: [_Any!]!) { _entities(representations: $r) { ... on Run { artifacts { totalCount } } } }',
        variableValues: { r: [{ __typename: 'Run', id: 'run-42' }] },
        contextValue: {
          principal: { projectId: 'default', userId: 'local', kind: 'user', roles: ['editor'] },
        },
      });
      expect(entities.data).toEqual({ _entities: [{ artifacts: { totalCount: 3 } }] });
    });

    it('an interrupted or wrong upload leaves no artifact; a missing part can be resumed', async () => {
      const bytes = randomBytes(5 * MiB + 10);
      const before = await gql<{ artifacts: { totalCount: number } }>(fetch, '{ artifacts { totalCount } }');
      const created = await createUpload(fetch, {
        name: 'resumable.bin',
        kind: 'DATASET',
        size: bytes.length,
        sha256: sha256(bytes),
        partSize: 5 * MiB,
      });
      const upload = created.data!.createArtifactUpload;
      expect(upload.parts).toHaveLength(2);
      await sendPart(fetch, upload, 2, bytes);
      const early = await complete(fetch, upload.id);
      expect(early.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', missingParts: [1] });
      const status = await gql<{
        artifactUpload: { status: string; receivedParts: { partNumber: number }[] };
      }>(fetch, `{ artifactUpload(id: "${upload.id}") { status receivedParts { partNumber } } }`);
      expect(status.data!.artifactUpload).toEqual({ status: 'PENDING', receivedParts: [{ partNumber: 2 }] });
      await sendPart(fetch, upload, 1, bytes);
      const done = await complete(fetch, upload.id);
      expect(done.errors).toBeUndefined();
      const twice = await complete(fetch, upload.id);
      expect(twice.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });

      // A part whose bytes break off mid-stream does not count as received.
      if (!upload.presigned) {
        const cut = await createUpload(fetch, {
          name: 'cut.bin',
          kind: 'OTHER',
          size: 1000,
          sha256: sha256(randomBytes(1000)),
        });
        const target = cut.data!.createArtifactUpload;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(400));
            // Breaks off at once: before the handler, still checking the upload, reads the body.
            setTimeout(() => controller.error(new Error('connection reset')), 0);
          },
        });
        const response = await send(fetch, target.parts[0]!.url, {
          method: 'PUT',
          body,
          duplex: 'half',
        } as RequestInit);
        expect(response.status).toBeGreaterThanOrEqual(400);
        const left = await gql<{ artifactUpload: { receivedParts: unknown[] } }>(
          fetch,
          `{ artifactUpload(id: "${target.id}") { receivedParts { partNumber } } }`,
        );
        expect(left.data!.artifactUpload.receivedParts).toEqual([]);
        // No part is marked received; the bytes that did arrive are overwritten when it is sent again.
        const staged = path.join(jarvis.runtime.config.home, 'blobs', 'uploads', target.id);
        expect(readdirSync(staged).filter((f) => /^\d+$/.test(f))).toEqual([]);
      }

      // Declared checksum wrong: the upload fails, nothing becomes visible.
      const other = randomBytes(1000);
      const wrong = await createUpload(fetch, {
        name: 'wrong.bin',
        kind: 'OTHER',
        size: other.length,
        sha256: sha256(Buffer.from('else')),
      });
      await sendPart(fetch, wrong.data!.createArtifactUpload, 1, other);
      const failed = await complete(fetch, wrong.data!.createArtifactUpload.id);
      expect(failed.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        received: { sha256: sha256(other) },
      });
      const after = await gql<{ artifacts: { totalCount: number }; artifactByName: unknown }>(
        fetch,
        '{ artifacts { totalCount } artifactByName(name: "wrong.bin") { id } }',
      );
      expect(after.data).toEqual({
        artifacts: { totalCount: before.data!.artifacts.totalCount + 1 },
        artifactByName: null,
      });

      // Abandoned: aborted uploads cannot be completed.
      const abandoned = await createUpload(fetch, {
        name: 'abandoned.bin',
        kind: 'OTHER',
        size: 10,
        sha256: sha256(randomBytes(10)),
      });
      const id = abandoned.data!.createArtifactUpload.id;
      expect((await gql(fetch, `mutation { abortArtifactUpload(uploadId: "${id}") }`)).data).toEqual({
        abortArtifactUpload: true,
      });
      expect((await complete(fetch, id)).errors![0]!.extensions).toMatchObject({
        code: 'CONFLICT',
        status: 'ABORTED',
      });
    });

    it('bad input gets a clear error with its code and writes nothing', async () => {
      const before = await gql<{ artifacts: { totalCount: number } }>(
        fetch,
        '{ artifacts(filter: { includeDeleted: true }) { totalCount } }',
      );
      const ok = { kind: 'OTHER', size: 3, sha256: sha256(Buffer.from('abc')) };
      for (const name of [
        '../etc/passwd',
        'a/../../b',
        '/abs',
        'new\nline',
        'back\\slash',
        '',
        'x'.repeat(300),
      ]) {
        const res = await createUpload(fetch, { ...ok, name });
        expect(res.errors?.[0]?.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name' });
      }
      const tooBig = await createUpload(fetch, { ...ok, name: 'big.bin', size: 65 * MiB });
      expect(tooBig.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 64 * MiB });
      const badSha = await createUpload(fetch, { ...ok, name: 'x.bin', sha256: 'abc' });
      expect(badSha.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'sha256' });
      const unknownParent = await createUpload(fetch, {
        ...ok,
        name: 'x.bin',
        derivedFrom: ['00000000-0000-0000-0000-000000000000'],
      });
      expect(unknownParent.errors![0]!.extensions).toMatchObject({
        code: 'NOT_FOUND',
        argument: 'derivedFrom',
      });
      const unknownUpload = await complete(fetch, 'no-such-upload');
      expect(unknownUpload.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
      const alias = await gql(
        fetch,
        'mutation { setArtifactAlias(name: "hockey/role-classifier.pt", alias: "champion", version: 99) { version } }',
      );
      expect(alias.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
      const noName = await gql(
        fetch,
        'mutation { setArtifactAlias(name: "never-uploaded", alias: "champion", version: 1) { version } }',
      );
      expect(noName.errors![0]!.message).toBe('no artifact is named never-uploaded');
      const latest = await gql(
        fetch,
        'mutation { setArtifactAlias(name: "hockey/role-classifier.pt", alias: "latest", version: 1) { version } }',
      );
      expect(latest.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'alias' });
      const champion = await gql<{ artifactByName: unknown }>(
        fetch,
        '{ artifactByName(name: "hockey/role-classifier.pt", alias: "champion") { id } }',
      );
      expect(champion.data!.artifactByName).toBeNull();
      const inlineTooBig = await gql(
        fetch,
        'mutation($input: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $input, contentBase64: $c) { id } }',
        {
          input: { name: 'inline.bin', kind: 'OTHER', size: 2 * MiB, sha256: 'a'.repeat(64) },
          c: Buffer.alloc(2 * MiB).toString('base64'),
        },
      );
      expect(inlineTooBig.errors?.[0]?.extensions?.code).toMatch(/LIMIT_EXCEEDED|BAD_USER_INPUT/);
      const after = await gql<{ artifacts: { totalCount: number } }>(
        fetch,
        '{ artifacts(filter: { includeDeleted: true }) { totalCount } }',
      );
      expect(after.data!.artifacts.totalCount).toBe(before.data!.artifacts.totalCount);
      // An unknown artifact is simply not there, over GraphQL and HTTP.
      expect(
        (await gql<{ artifact: unknown }>(fetch, '{ artifact(id: "nope") { id } }')).data!.artifact,
      ).toBeNull();
      expect((await send(fetch, '/storage/artifacts/nope/content', {})).status).toBe(404);
    });

    it('records lineage and walks it up and down', async () => {
      const a = await uploadArtifact(fetch, Buffer.from('raw video'), {
        name: 'lineage/raw.mp4',
        kind: 'MEDIA',
      });
      const b = await uploadArtifact(fetch, Buffer.from('frames'), {
        name: 'lineage/frames',
        kind: 'DATASET',
        derivedFrom: [a.id],
      });
      const c = await uploadArtifact(fetch, Buffer.from('model'), {
        name: 'lineage/model.pt',
        kind: 'MODEL',
        derivedFrom: [b.id],
      });
      const res = await gql<{
        artifact: {
          derivedFrom: { id: string }[];
          derivatives: { id: string }[];
          lineage: { nodes: { id: string }[]; edges: unknown[] };
        };
      }>(
        fetch,
        `{ artifact(id: "${b.id}") { derivedFrom { id } derivatives { id } lineage(depth: 2) { nodes { id } edges { parentId childId } } } }`,
      );
      const art = res.data!.artifact;
      expect(art.derivedFrom).toEqual([{ id: a.id }]);
      expect(art.derivatives).toEqual([{ id: c.id }]);
      expect(art.lineage.nodes.map((n) => n.id).sort()).toEqual([a.id, b.id, c.id].sort());
      expect(art.lineage.edges).toEqual(
        expect.arrayContaining([
          { parentId: a.id, childId: b.id },
          { parentId: b.id, childId: c.id },
        ]),
      );
      const up = await gql<{ artifact: { lineage: { nodes: { id: string }[] } } }>(
        fetch,
        `{ artifact(id: "${c.id}") { lineage(depth: 5, direction: UP) { nodes { id } } } }`,
      );
      expect(up.data!.artifact.lineage.nodes.map((n) => n.id).sort()).toEqual([a.id, b.id, c.id].sort());
    });

    it('keeps the same content once, soft-deletes, restores, then purges and collects its bytes', async () => {
      const bytes = randomBytes(4096);
      const first = await uploadArtifact(fetch, bytes, { name: 'dedup/a.bin', kind: 'OTHER' });
      const second = await uploadArtifact(fetch, bytes, { name: 'dedup/b.bin', kind: 'OTHER' });
      if (backend.name === 'local store') {
        const dir = path.join(jarvis.runtime.config.home, 'blobs', 'sha256', sha256(bytes).slice(0, 2));
        expect(readdirSync(dir).filter((f) => f === sha256(bytes))).toHaveLength(1);
      }
      expect((await download(fetch, second.contentPath)).body.equals(bytes)).toBe(true);

      const deleted = await gql<{ deleteArtifact: { deletedAt: string | null } }>(
        fetch,
        `mutation { deleteArtifact(id: "${first.id}") { deletedAt } }`,
      );
      expect(deleted.data!.deleteArtifact.deletedAt).toBeTruthy();
      expect(
        (await gql<{ artifactByName: unknown }>(fetch, '{ artifactByName(name: "dedup/a.bin") { id } }'))
          .data!.artifactByName,
      ).toBeNull();
      expect((await send(fetch, first.contentPath, {})).status).toBe(404);
      await gql(fetch, `mutation { restoreArtifact(id: "${first.id}") { id } }`);
      expect(
        (
          await gql<{ artifactByName: { id: string } }>(
            fetch,
            '{ artifactByName(name: "dedup/a.bin") { id } }',
          )
        ).data!.artifactByName.id,
      ).toBe(first.id);

      // Both deleted, retention 0: GC purges both and frees the one copy of the bytes.
      await gql(
        fetch,
        `mutation { a: deleteArtifact(id: "${first.id}") { id } b: deleteArtifact(id: "${second.id}") { id } }`,
      );
      const gc = await gql<{
        collectGarbage: { purgedArtifacts: number; deletedBlobs: number; freedBytes: number };
      }>(fetch, 'mutation { collectGarbage { purgedArtifacts deletedBlobs freedBytes expiredUploads } }');
      expect(gc.data!.collectGarbage).toMatchObject({
        purgedArtifacts: 2,
        deletedBlobs: 1,
        freedBytes: 4096,
      });
      expect(
        (await gql<{ artifact: unknown }>(fetch, `{ artifact(id: "${first.id}") { id } }`)).data!.artifact,
      ).toBeNull();
      // Live artifacts keep their bytes.
      const live = await gql<{ artifactByName: { contentPath: string } }>(
        fetch,
        '{ artifactByName(name: "lineage/model.pt") { contentPath } }',
      );
      expect((await download(fetch, live.data!.artifactByName.contentPath)).body.toString()).toBe('model');
    });

    it('keeps logs compressed and serves them decompressed, whole and by range', async () => {
      const log = Buffer.from(
        Array.from({ length: 20_000 }, (_, i) => `step ${i} loss=${(1 / (i + 1)).toFixed(6)}\n`).join(''),
      );
      const stored = await uploadArtifact(fetch, log, {
        name: 'logs/train.log',
        kind: 'LOG',
        contentType: 'text/plain',
      });
      const res = await gql<{
        artifact: { size: number; storedSize: number; compressed: boolean; downloadUrl: string };
      }>(fetch, `{ artifact(id: "${stored.id}") { size storedSize compressed downloadUrl } }`);
      const art = res.data!.artifact;
      expect(art.compressed).toBe(true);
      expect(art.size).toBe(log.length);
      expect(art.storedSize).toBeLessThan(log.length / 3);
      expect(art.downloadUrl).toBe(stored.contentPath); // decompressed by Jarvis, even on S3
      expect((await download(fetch, art.downloadUrl)).body.equals(log)).toBe(true);
      const part = await download(fetch, stored.contentPath, { range: 'bytes=100000-100099' });
      expect(part.status).toBe(206);
      expect(part.body.equals(log.subarray(100_000, 100_100))).toBe(true);
      // Other kinds are kept as they are.
      const model = await uploadArtifact(fetch, log, { name: 'logs/not-a-log.bin', kind: 'OTHER' });
      const other = await gql<{ artifact: { compressed: boolean } }>(
        fetch,
        `{ artifact(id: "${model.id}") { compressed } }`,
      );
      // Same content as the log: kept once, so it shares the compressed copy and still reads back whole.
      expect(other.data!.artifact.compressed).toBe(true);
      expect((await download(fetch, model.contentPath)).body.equals(log)).toBe(true);
    });

    it('lists with filters, ordering and cursors', async () => {
      const before = new Date();
      for (const [i, size] of [300, 100, 200].entries()) {
        await uploadArtifact(fetch, randomBytes(size), {
          name: `listing/item-${i}`,
          kind: 'DATASET',
          component: 'spotlight',
        });
      }
      await uploadArtifact(fetch, randomBytes(50), {
        name: 'elsewhere/item',
        kind: 'DATASET',
        component: 'autopilot',
      });
      type Page = {
        artifacts: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { name: string; size: number } }[];
        };
      };
      const q = `query($f: ArtifactFilter, $o: ArtifactOrder, $after: String) {
        artifacts(filter: $f, orderBy: $o, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name size } } } }`;
      const first = await gql<Page>(fetch, q, {
        f: { namePrefix: 'listing/', component: 'spotlight' },
        o: { field: 'SIZE', direction: 'ASC' },
      });
      expect(first.data!.artifacts.totalCount).toBe(3);
      expect(first.data!.artifacts.edges.map((e) => e.node.size)).toEqual([100, 200]);
      expect(first.data!.artifacts.pageInfo.hasNextPage).toBe(true);
      const second = await gql<Page>(fetch, q, {
        f: { namePrefix: 'listing/', component: 'spotlight' },
        o: { field: 'SIZE', direction: 'ASC' },
        after: first.data!.artifacts.pageInfo.endCursor,
      });
      expect(second.data!.artifacts.edges.map((e) => e.node.size)).toEqual([300]);
      expect(second.data!.artifacts.pageInfo.hasNextPage).toBe(false);
      const recent = await gql<Page>(fetch, q, {
        f: { createdAfter: before.toISOString(), component: 'autopilot' },
      });
      expect(recent.data!.artifacts.edges.map((e) => e.node.name)).toEqual(['elsewhere/item']);
      const none = await gql<Page>(fetch, q, {
        f: { createdBefore: before.toISOString(), namePrefix: 'listing/' },
      });
      expect(none.data!.artifacts.totalCount).toBe(0);
      // A prefix with LIKE wildcards matches them literally.
      const literal = await gql<Page>(fetch, q, { f: { namePrefix: 'listing_' } });
      expect(literal.data!.artifacts.totalCount).toBe(0);
    });

    it('an idempotency key returns the same upload instead of a second one', async () => {
      const bytes = Buffer.from('retry me');
      const input = {
        name: 'retry.txt',
        kind: 'LOG',
        size: bytes.length,
        sha256: sha256(bytes),
        idempotencyKey: `k-${backend.name}`,
      };
      const a = await createUpload(fetch, input);
      const b = await createUpload(fetch, input);
      expect(b.data!.createArtifactUpload.id).toBe(a.data!.createArtifactUpload.id);
      const clash = await createUpload(fetch, { ...input, name: 'other.txt' });
      expect(clash.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
    });
  });
}
