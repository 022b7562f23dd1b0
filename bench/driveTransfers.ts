import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startMinio, startWebdav } from '@jarvis/testkit';
import { createClient } from 'webdav';
import { graphqlData as gql } from './graphqlData.ts';
import { startJarvisProcess } from './startJarvisProcess.ts';

/**
 * Issue 20's figure: 1 GiB of files imported from a WebDAV server into storage on MinIO and
 * exported back, through Jarvis, side by side with a plain copy by the `webdav` and `minio`
 * clients between the same two servers; the ratio (goal >= 0.9) and Jarvis's peak RSS (< 200 MB).
 */
const MB = 1024 * 1024;
const TOTAL = Number(process.env.BENCH_MB ?? 1024) * MB;
const FILES = Number(process.env.BENCH_FILES ?? 8);
const SIZE = Math.floor(TOTAL / FILES);

const work = mkdtempSync(path.join(os.tmpdir(), 'jarvis-bench-drives-'));

async function writeFile(file: string, seed: number) {
  const out = createWriteStream(file);
  const block = Buffer.alloc(MB);
  for (let i = 0; i < SIZE / MB; i++) {
    for (let j = 0; j < MB; j += 4) block.writeUInt32LE((seed * 7919 + i * 2654435761 + j * 40503) >>> 0, j);
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

/** A transfer through Jarvis, from the mutation to its end, as a user waits for it. */
async function transfer(url: string, mutation: string, variables: Record<string, unknown>) {
  const started = await gql<Record<string, { id: string }>>(url, mutation, variables);
  const id = Object.values(started)[0]!.id;
  // Watched as a user's progress bar does (status only); the files are read once it ended.
  for (;;) {
    const { driveTransfer } = await gql<{ driveTransfer: { status: string; error: string | null } }>(
      url,
      'query($id: ID!) { driveTransfer(id: $id) { status error } }',
      { id },
    );
    if (driveTransfer.status === 'SUCCEEDED') break;
    if (driveTransfer.status !== 'RUNNING' && driveTransfer.status !== 'PENDING')
      throw new Error(`transfer ${id} ended ${driveTransfer.status}: ${driveTransfer.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { driveTransfer } = await gql<{ driveTransfer: { files: { artifact: { id: string } | null }[] } }>(
    url,
    'query($id: ID!) { driveTransfer(id: $id) { files(first: 1000) { artifact { id } } } }',
    { id },
  );
  return driveTransfer.files.map((f) => f.artifact!.id);
}

async function main() {
  console.log(
    `payload: ${FILES} files of ${SIZE / MB} MiB (${(FILES * SIZE) / MB} MiB) on WebDAV (WsgiDAV); writing them…`,
  );
  await using dav = await startWebdav();
  mkdirSync(path.join(dav.root, 'bench'));
  for (let i = 0; i < FILES; i++) await writeFile(path.join(dav.root, 'bench', `clip-${i}.bin`), i);
  await using minio = await startMinio();
  const s3 = minio.client();
  await s3.makeBucket('direct');
  const davClient = createClient(dav.url, { username: dav.username, password: dav.password });
  const jarvis = await startJarvisProcess(path.join(work, 'jarvis'), {
    services: {
      storage: {
        type: 's3',
        endpoint: minio.endpoint,
        access_key: minio.accessKey,
        secret_key: minio.secretKey,
        max_upload_bytes: TOTAL * 2,
      },
    },
  });
  const mbps = (seconds: number) => (FILES * SIZE) / MB / seconds;
  try {
    // The plain copy: each file streamed from one client into the other, one after another, as Jarvis does.
    const directIn = await timed(async () => {
      for (let i = 0; i < FILES; i++)
        await s3.putObject(
          'direct',
          `clip-${i}.bin`,
          davClient.createReadStream(`/bench/clip-${i}.bin`) as Readable,
          SIZE,
        );
    });
    await davClient.createDirectory('/direct-out');
    const directOut = await timed(async () => {
      for (let i = 0; i < FILES; i++)
        await davClient.putFileContents(
          `/direct-out/clip-${i}.bin`,
          await s3.getObject('direct', `clip-${i}.bin`),
          {
            contentLength: SIZE,
          },
        );
    });

    const { connectWebdavDrive } = await gql<{ connectWebdavDrive: { id: string } }>(
      jarvis.url,
      'mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "nas", url: $u, username: $user, password: $pw) { id } }',
      { u: dav.url, user: dav.username, pw: dav.password },
    );
    const viaIn = await timed(() =>
      transfer(jarvis.url, 'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["bench"]) { id } }', {
        d: connectWebdavDrive.id,
      }),
    );
    const viaOut = await timed(() =>
      transfer(
        jarvis.url,
        'mutation($d: ID!, $a: [ID!]!) { exportToDrive(driveId: $d, artifactIds: $a, folder: "jarvis-out") { id } }',
        {
          d: connectWebdavDrive.id,
          a: viaIn.value,
        },
      ),
    );
    // The bytes made it: the last file back on the drive is the one that left it.
    const [sent, back] = await Promise.all(
      [`/bench/clip-${FILES - 1}.bin`, `/jarvis-out/clip-${FILES - 1}.bin`].map(async (p) =>
        createHash('sha256')
          .update((await davClient.getFileContents(p)) as Buffer)
          .digest('hex'),
      ),
    );
    if (sent !== back) throw new Error('the exported file differs from the imported one');

    const row = (label: string, seconds: number) =>
      console.log(`  ${label.padEnd(34)} ${mbps(seconds).toFixed(0).padStart(6)} MiB/s`);
    console.log('\nthroughput:');
    row('import direct (webdav → minio)', directIn.seconds);
    row('import jarvis (drive → storage)', viaIn.seconds);
    row('export direct (minio → webdav)', directOut.seconds);
    row('export jarvis (storage → drive)', viaOut.seconds);
    console.log('ratios Jarvis/direct (goal >= 0.9):');
    console.log(`  import jarvis / direct   ${(directIn.seconds / viaIn.seconds).toFixed(2)}`);
    console.log(`  export jarvis / direct   ${(directOut.seconds / viaOut.seconds).toFixed(2)}`);
    console.log(
      `peak RSS while transferring (goal < 200 MB): jarvis on MinIO + PGlite ${jarvis.peakRssMb().toFixed(0)} MB (${jarvis.baselineMb.toFixed(0)} MB idle before)`,
    );
  } finally {
    await jarvis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
