import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { startMinio, startWebdav } from '@jarvis/testkit';
import { createClient } from 'webdav';
import { graphqlData as gql } from './graphqlData.ts';
import { compareContenders } from './harness/compareContenders.ts';
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
  /** The bytes made it: the last file written back to the drive is the one that left it. */
  const sameFile = async (from: string, to: string) => {
    const [sent, back] = await Promise.all(
      [from, to].map(async (p) =>
        createHash('sha256')
          .update((await davClient.getFileContents(p)) as Buffer)
          .digest('hex'),
      ),
    );
    if (sent !== back) throw new Error(`${to} differs from ${from}`);
  };
  interface Transfers {
    importMBps: number;
    exportMBps: number;
  }
  try {
    const { connectWebdavDrive } = await gql<{ connectWebdavDrive: { id: string } }>(
      jarvis.url,
      'mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "nas", url: $u, username: $user, password: $pw) { id } }',
      { u: dav.url, user: dav.username, pw: dav.password },
    );
    await compareContenders<Transfers>({
      title: `Drives, ${FILES} files of ${SIZE / MB} MiB between WebDAV (WsgiDAV) and MinIO (goal ≥ 0.9×)`,
      contenders: [
        {
          name: 'jarvis',
          setup:
            'importFromDrive / exportToDrive, storage on MinIO, watched by polling driveTransfer as a progress bar does',
          async measure(round) {
            const viaIn = await timed(() =>
              transfer(
                jarvis.url,
                'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["bench"]) { id } }',
                {
                  d: connectWebdavDrive.id,
                },
              ),
            );
            const viaOut = await timed(() =>
              transfer(
                jarvis.url,
                'mutation($d: ID!, $a: [ID!]!, $f: String!) { exportToDrive(driveId: $d, artifactIds: $a, folder: $f) { id } }',
                { d: connectWebdavDrive.id, a: viaIn.value, f: `jarvis-out-${round}` },
              ),
            );
            await sameFile(`/bench/clip-${FILES - 1}.bin`, `/jarvis-out-${round}/clip-${FILES - 1}.bin`);
            return { importMBps: mbps(viaIn.seconds), exportMBps: mbps(viaOut.seconds) };
          },
        },
        {
          name: 'direct',
          setup:
            'the `webdav` and `minio` JS clients, each file streamed from one into the other in turn, as Jarvis does',
          async measure(round) {
            const directIn = await timed(async () => {
              for (let i = 0; i < FILES; i++)
                await s3.putObject(
                  'direct',
                  `r${round}/clip-${i}.bin`,
                  davClient.createReadStream(`/bench/clip-${i}.bin`) as Readable,
                  SIZE,
                );
            });
            await davClient.createDirectory(`/direct-out-${round}`);
            const directOut = await timed(async () => {
              for (let i = 0; i < FILES; i++)
                await davClient.putFileContents(
                  `/direct-out-${round}/clip-${i}.bin`,
                  await s3.getObject('direct', `r${round}/clip-${i}.bin`),
                  { contentLength: SIZE },
                );
            });
            await sameFile(`/bench/clip-${FILES - 1}.bin`, `/direct-out-${round}/clip-${FILES - 1}.bin`);
            return { importMBps: mbps(directIn.seconds), exportMBps: mbps(directOut.seconds) };
          },
        },
      ],
      figures: [
        { label: 'import', unit: 'MiB/s', better: 'higher', of: (m) => m.importMBps },
        { label: 'export', unit: 'MiB/s', better: 'higher', of: (m) => m.exportMBps },
      ],
    });
    console.log(
      `peak RSS while transferring (goal < 200 MB): jarvis on MinIO + PGlite ${jarvis.peakRssMb().toFixed(0)} MB (${jarvis.baselineMb.toFixed(0)} MB idle before)`,
    );
  } finally {
    await jarvis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
