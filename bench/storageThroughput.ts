import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startMinio, startPostgres } from '@jarvis/testkit';
import { graphqlData as gql } from './graphqlData.ts';
import { type Contender, compareContenders, roundsFromEnv } from './harness/compareContenders.ts';
import { startJarvisProcess } from './startJarvisProcess.ts';

const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MB ?? 1024) * MB;
const ROUNDS = roundsFromEnv();
const PART = 64 * MB;

const work = mkdtempSync(path.join(os.tmpdir(), 'jarvis-bench-'));
const file = path.join(work, 'payload.bin');

async function makePayload() {
  const out = createWriteStream(file);
  const block = Buffer.alloc(MB);
  const hash = createHash('sha256');
  for (let i = 0; i < SIZE / MB; i++) {
    for (let j = 0; j < MB; j += 4) block.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, j);
    hash.update(block);
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return hash.digest('hex');
}

async function readPart(offset: number, length: number) {
  const handle = await open(file, 'r');
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, offset);
  await handle.close();
  return buffer;
}

async function drain(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>) {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) n += chunk.byteLength;
  return n;
}

/** Upload through Jarvis: parts sent one after another, as the minio client does. */
async function jarvisUpload(base: string, sha256: string, name: string) {
  const { createArtifactUpload: upload } = await gql<{
    createArtifactUpload: { id: string; parts: { partNumber: number; url: string; size: number }[] };
  }>(
    base,
    'mutation($i: CreateArtifactUploadInput!) { createArtifactUpload(input: $i) { id parts { partNumber url size } } }',
    { i: { name, kind: 'MODEL', size: SIZE, sha256, partSize: PART } },
  );
  const partsStarted = performance.now();
  for (const part of upload.parts) {
    const url = part.url.startsWith('http') ? part.url : `${base}${part.url}`;
    const body = await readPart((part.partNumber - 1) * PART, part.size);
    const response = await fetch(url, { method: 'PUT', body });
    if (!response.ok)
      throw new Error(`part ${part.partNumber}: HTTP ${response.status} ${await response.text()}`);
  }
  const completeStarted = performance.now();
  const done = await gql<{
    completeArtifactUpload: { id: string; downloadUrl: string; contentPath: string };
  }>(base, 'mutation($id: ID!) { completeArtifactUpload(uploadId: $id) { id downloadUrl contentPath } }', {
    id: upload.id,
  });
  console.log(
    `    (parts ${((completeStarted - partsStarted) / 1000).toFixed(1)} s, complete with its sha256 check ${((performance.now() - completeStarted) / 1000).toFixed(1)} s)`,
  );
  return done.completeArtifactUpload;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

const mbps = (seconds: number) => SIZE / MB / seconds;

async function main() {
  console.log(`payload: ${SIZE / MB} MiB, part size ${PART / MB} MiB; writing it…`);
  const sha256 = await makePayload();
  await using minio = await startMinio();
  const client = minio.client();
  await client.makeBucket('direct');
  await using postgres = await startPostgres();
  const s3 = await startJarvisProcess(path.join(work, 's3'), {
    services: {
      storage: {
        type: 's3',
        endpoint: minio.endpoint,
        access_key: minio.accessKey,
        secret_key: minio.secretKey,
        max_upload_bytes: SIZE * 2,
      },
    },
    database: { url: postgres.url },
  });
  const local = await startJarvisProcess(path.join(work, 'local'), {
    services: { storage: { max_upload_bytes: SIZE * 2 } },
  });
  interface Speeds {
    upPresigned: number;
    upStreaming: number;
    downPresigned: number;
    downStreaming: number;
  }
  const minioContender: Contender<Speeds> = {
    name: 'minio',
    setup: 'the `minio` JS client straight to the same MinIO, putObject (multipart) and getObject',
    async measure(round) {
      const up = await timed(() => client.putObject('direct', `r${round}`, createReadStream(file), SIZE, {}));
      const down = await timed(async () => drain(await client.getObject('direct', `r${round}`)));
      if (down.value !== SIZE) throw new Error(`minio returned ${down.value} bytes`);
      // The peer does one upload and one download; each Jarvis path is compared with them.
      return {
        upPresigned: mbps(up.seconds),
        upStreaming: mbps(up.seconds),
        downPresigned: mbps(down.seconds),
        downStreaming: mbps(down.seconds),
      };
    },
  };
  const jarvisContender: Contender<Speeds> = {
    name: 'jarvis',
    setup:
      'presigned: parts PUT straight to MinIO, downloads by presigned URL; streaming: bytes through Jarvis (downloads from MinIO; uploads to its local store)',
    async measure(round) {
      const up = await timed(() => jarvisUpload(s3.url, sha256, `bench/r${round}.bin`));
      const down = await timed(async () => drain((await fetch(up.value.downloadUrl)).body!));
      if (down.value !== SIZE) throw new Error(`downloaded ${down.value} bytes`);
      const streamed = await timed(async () =>
        drain((await fetch(`${s3.url}${up.value.contentPath}`)).body!),
      );
      if (streamed.value !== SIZE) throw new Error(`streamed ${streamed.value} bytes`);
      const localUp = await timed(() => jarvisUpload(local.url, sha256, `bench/r${round}.bin`));
      // Every byte checked once: what went up through the stream comes back the same.
      const hash = createHash('sha256');
      for await (const chunk of (await fetch(`${local.url}${localUp.value.contentPath}`))
        .body! as unknown as AsyncIterable<Uint8Array>)
        hash.update(chunk);
      if (hash.digest('hex') !== sha256) throw new Error('downloaded bytes differ from the uploaded ones');
      return {
        upPresigned: mbps(up.seconds),
        upStreaming: mbps(localUp.seconds),
        downPresigned: mbps(down.seconds),
        downStreaming: mbps(streamed.seconds),
      };
    },
  };
  try {
    await compareContenders({
      title: `Storage, ${SIZE / MB} MiB objects, Jarvis vs the minio client on the same MinIO (goal ≥ 0.9×)`,
      contenders: [jarvisContender, minioContender],
      rounds: ROUNDS,
      figures: [
        { label: 'upload presigned', unit: 'MiB/s', better: 'higher', of: (m) => m.upPresigned },
        { label: 'upload streaming', unit: 'MiB/s', better: 'higher', of: (m) => m.upStreaming },
        { label: 'download presigned', unit: 'MiB/s', better: 'higher', of: (m) => m.downPresigned },
        { label: 'download streaming', unit: 'MiB/s', better: 'higher', of: (m) => m.downStreaming },
      ],
    });
    console.log(
      `peak RSS while transferring (goal < 200 MB): jarvis on S3 + PostgreSQL ${s3.peakRssMb().toFixed(0)} MB (${s3.baselineMb.toFixed(0)} MB idle before), jarvis on the local store + PGlite ${local.peakRssMb().toFixed(0)} MB (${local.baselineMb.toFixed(0)} MB idle before)`,
    );
  } finally {
    await s3.stop();
    await local.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
