import { randomBytes } from 'node:crypto';
import { gql, type MinioServer, startMinio, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  createUpload,
  download,
  type Fetch,
  send,
  sendPart,
  sha256,
  storageBackends,
  type Upload,
} from './storageApi.ts';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

/** PUTs raw bytes as part n, the way a client does (status only). */
async function putPart(fetch: Fetch, upload: Upload, n: number, bytes: Buffer) {
  const response = await send(fetch, upload.parts[n - 1]!.url, {
    method: 'PUT',
    body: new Uint8Array(bytes),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Creates an upload of `bytes` under `name` (parts of PART bytes); nothing is sent yet. */
async function newUpload(fetch: Fetch, name: string, bytes: Buffer): Promise<Upload> {
  const created = await createUpload(fetch, {
    name,
    kind: 'OTHER',
    size: bytes.length,
    sha256: sha256(bytes),
    partSize: PART,
  });
  expect(created.errors).toBeUndefined();
  return created.data!.createArtifactUpload;
}

async function receivedParts(fetch: Fetch, id: string) {
  const r = await gql<{
    artifactUpload: { status: string; receivedParts: { partNumber: number; size: number }[] };
  }>(fetch, `{ artifactUpload(id: "${id}") { status receivedParts { partNumber size } } }`);
  return r.data!.artifactUpload;
}

for (const backend of storageBackends) {
  describe(`upload races on the ${backend.name}`, () => {
    let jarvis: Awaited<ReturnType<typeof testJarvis>>;
    let minio: MinioServer | undefined;
    let fetch: Fetch;

    beforeAll(async () => {
      if (backend.name.startsWith('MinIO')) minio = await startMinio();
      jarvis = await testJarvis({ services: { storage: backend.storage(minio) } });
      fetch = jarvis.router.fetch;
    });
    afterAll(async () => {
      await jarvis[Symbol.asyncDispose]();
      await minio?.stop();
    });

    it('completing one upload many times at once: exactly one artifact, the others CONFLICT, nothing lost (10 trials)', async () => {
      for (let trial = 0; trial < 10; trial++) {
        const bytes = randomBytes(PART + 1000 + trial);
        const upload = await newUpload(fetch, `race/complete-${trial}.bin`, bytes);
        for (const p of upload.parts) await sendPart(fetch, upload, p.partNumber, bytes);
        const results = await Promise.all(Array.from({ length: 6 }, () => complete(fetch, upload.id)));
        const winners = results.filter((r) => !r.errors);
        const losers = results.filter((r) => r.errors);
        expect(winners, JSON.stringify(losers.map((l) => l.errors))).toHaveLength(1);
        for (const l of losers) expect(l.errors![0]!.extensions!.code).toBe('CONFLICT');
        const artifact = winners[0]!.data!.completeArtifactUpload as { contentPath: string; version: number };
        expect(artifact.version).toBe(1);
        const got = await download(fetch, artifact.contentPath);
        expect(sha256(got.body)).toBe(sha256(bytes));
        // And again afterwards: still CONFLICT, naming the artifact.
        const late = await complete(fetch, upload.id);
        expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
      }
    });

    it('two writes of one part racing with different bytes never commit bytes that differ from the recorded sha256', async () => {
      for (let trial = 0; trial < 6; trial++) {
        const good = randomBytes(PART + 10);
        const evil = Buffer.from(good);
        evil.fill(0x41, 0, PART); // same size, other bytes
        const upload = await newUpload(fetch, `race/part-${trial}.bin`, good);
        await sendPart(fetch, upload, 2, good);
        const statuses = await Promise.all([
          putPart(fetch, upload, 1, good.subarray(0, PART)),
          putPart(fetch, upload, 1, evil.subarray(0, PART)),
          putPart(fetch, upload, 1, good.subarray(0, PART)),
        ]);
        expect(statuses).toEqual([200, 200, 200]);
        const done = await complete(fetch, upload.id);
        if (done.errors) {
          // The evil write landed last: the check refuses it and nothing becomes visible.
          expect(done.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
          const none = await gql(fetch, `{ artifactByName(name: "race/part-${trial}.bin") { id } }`);
          expect(none.data).toEqual({ artifactByName: null });
        } else {
          const artifact = done.data!.completeArtifactUpload as { contentPath: string; sha256: string };
          expect(artifact.sha256).toBe(sha256(good));
          const got = await download(fetch, artifact.contentPath);
          expect(sha256(got.body)).toBe(artifact.sha256);
          expect(got.headers.get('etag')).toBe(`"${sha256(got.body)}"`);
        }
      }
    });

    it('a part that ends short is refused (or not counted) and never listed; resending it completes the upload', async () => {
      const bytes = randomBytes(PART + 500);
      const upload = await newUpload(fetch, 'race/short.bin', bytes);
      const status = await putPart(fetch, upload, 1, bytes.subarray(0, PART - 100));
      // Jarvis refuses a short part outright; S3 takes it, and Jarvis does not count it.
      if (!upload.presigned) expect(status).toBe(400);
      await sendPart(fetch, upload, 2, bytes);
      expect((await receivedParts(fetch, upload.id)).receivedParts).toEqual([{ partNumber: 2, size: 500 }]);
      const early = await complete(fetch, upload.id);
      expect(early.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', missingParts: [1] });
      await sendPart(fetch, upload, 1, bytes);
      const done = await complete(fetch, upload.id);
      expect(done.errors).toBeUndefined();
      const got = await download(
        fetch,
        (done.data!.completeArtifactUpload as { contentPath: string }).contentPath,
      );
      expect(sha256(got.body)).toBe(sha256(bytes));
    });

    it('abort racing complete: one of them wins, and the upload’s state says which', async () => {
      for (let trial = 0; trial < 5; trial++) {
        const bytes = randomBytes(1000);
        const upload = await newUpload(fetch, `race/abort-${trial}.bin`, bytes);
        await sendPart(fetch, upload, 1, bytes);
        const [done, aborted] = await Promise.all([
          complete(fetch, upload.id),
          gql<{ abortArtifactUpload: boolean }>(
            fetch,
            `mutation { abortArtifactUpload(uploadId: "${upload.id}") }`,
          ),
        ]);
        const state = await receivedParts(fetch, upload.id);
        const artifact = await gql<{ artifactByName: { sha256: string } | null }>(
          fetch,
          `{ artifactByName(name: "race/abort-${trial}.bin") { sha256 } }`,
        );
        if (!done.errors) {
          expect(state.status).toBe('COMPLETED');
          expect(artifact.data!.artifactByName).toEqual({ sha256: sha256(bytes) });
          expect(aborted.errors?.[0]?.extensions?.code ?? aborted.data?.abortArtifactUpload).toSatisfy(
            (v: unknown) => v === 'CONFLICT' || v === false,
          );
        } else {
          expect(done.errors[0]!.extensions!.code).toBe('CONFLICT');
          expect(aborted.data).toEqual({ abortArtifactUpload: true });
          expect(state.status).toBe('ABORTED');
          expect(artifact.data!.artifactByName).toBeNull();
        }
      }
    });

    it('a part sent while the upload is being completed or after: the artifact is exactly what was checked, later parts are refused', async () => {
      const bytes = randomBytes(PART + 77);
      const upload = await newUpload(fetch, 'race/late-part.bin', bytes);
      for (const p of upload.parts) await sendPart(fetch, upload, p.partNumber, bytes);
      const junk = Buffer.alloc(PART, 0x42);
      const [done, late] = await Promise.all([complete(fetch, upload.id), putPart(fetch, upload, 1, junk)]);
      if (!upload.presigned) expect([200, 409]).toContain(late);
      if (done.errors) {
        // The junk landed before the check read part 1: refused, and nothing is visible.
        expect(done.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
        expect((await gql(fetch, '{ artifactByName(name: "race/late-part.bin") { id } }')).data).toEqual({
          artifactByName: null,
        });
      } else {
        const got = await download(
          fetch,
          (done.data!.completeArtifactUpload as { contentPath: string }).contentPath,
        );
        expect(sha256(got.body)).toBe(sha256(bytes));
      }
      // Once it is decided, a part is refused outright (S3 has forgotten the upload: 404).
      expect(await putPart(fetch, upload, 1, junk)).toBe(upload.presigned ? 404 : 409);
    });

    it('MLflow artifact PUTs racing on one path: each becomes its own whole version, the last one is served', async () => {
      const path = `race/${randomBytes(4).toString('hex')}/weights.bin`;
      const bodies = Array.from({ length: 8 }, (_, i) => randomBytes(200_000 + i));
      const answers = await Promise.all(
        bodies.map((body) =>
          send(fetch, `/api/2.0/mlflow-artifacts/artifacts/${path}`, {
            method: 'PUT',
            body: new Uint8Array(body),
          }).then(async (r) => ({ status: r.status, text: await r.text() })),
        ),
      );
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      const digests = new Set(bodies.map(sha256));
      const versions: { version: number; sha256: string; contentPath: string }[] = [];
      for (let version = 1; version <= bodies.length; version++) {
        const found = await gql<{ artifactByName: { version: number; sha256: string; contentPath: string } }>(
          fetch,
          `{ artifactByName(name: "${path}", version: ${version}) { version sha256 contentPath } }`,
        );
        expect(found.errors).toBeUndefined();
        versions.push(found.data!.artifactByName);
      }
      // Every body is exactly one version, whole: its recorded digest and its downloaded bytes.
      expect(new Set(versions.map((v) => v.sha256))).toEqual(digests);
      for (const v of versions) expect(sha256((await download(fetch, v.contentPath)).body)).toBe(v.sha256);
      const latest = await download(fetch, `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      expect(sha256(latest.body)).toBe(versions.at(-1)!.sha256);
    });
  });
}
