import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  gql,
  jarvisFromFile,
  startWebdav,
  type TcpProxy,
  tcpProxy,
  type WebdavServer,
  waitFor,
} from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;
/** Larger than the memory an import may use (200 MB): only streaming gets it through. */
const SIZE = 1024 * MiB;

const STATUS = `query($id: ID!) { driveTransfer(id: $id) { status bytesDone bytesTotal error
  files { outcome errorCode artifact { id name size sha256 } } } }`;
interface Status {
  status: string;
  bytesDone: number;
  bytesTotal: number;
  error: string | null;
  files: {
    outcome: string;
    errorCode: string | null;
    artifact: { id: string; name: string; size: number; sha256: string } | null;
  }[];
}

/** A file of SIZE bytes that are not all the same (a pattern every MiB), and its sha256. */
async function bigFile(file: string) {
  writeFileSync(file, '');
  truncateSync(file, SIZE);
  const handle = await open(file, 'r+');
  for (let offset = 0; offset < SIZE; offset += MiB)
    await handle.write(Buffer.from(`block ${offset}`), 0, undefined, offset);
  await handle.close();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('a drive file larger than memory', () => {
  let dav: WebdavServer;
  let proxy: TcpProxy;
  let scratch: string;
  let sha256: string;
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-large-import-'));
    dav = await startWebdav();
    sha256 = await bigFile(path.join(dav.root, 'match.mp4'));
    proxy = await tcpProxy(dav.url);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await dav?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('imports at flat memory, cut halfway and resumed from where it stopped; a cancelled import leaves no artifact', async () => {
    await using jarvis = await jarvisFromFile(`home: ${path.join(scratch, 'home')}\nlog:\n  level: warn\n`);
    const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
      gql<T>(jarvis.router.fetch, query, variables);
    const url = `${proxy.url}${new URL(dav.url).pathname}`;
    const connected = await q<{ connectWebdavDrive: { id: string } }>(
      'mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "nas", url: $u, username: $user, password: $pw) { id } }',
      { u: url, user: dav.username, pw: dav.password },
    );
    const driveId = connected.data!.connectWebdavDrive.id;
    const status = async (id: string) =>
      (await q<{ driveTransfer: Status }>(STATUS, { id })).data!.driveTransfer;

    let peak = 0;
    const base = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss - base);
    }, 50);
    try {
      const id = (
        await q<{ importFromDrive: { id: string } }>(
          'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["match.mp4"]) { id } }',
          {
            d: driveId,
          },
        )
      ).data!.importFromDrive.id;
      await waitFor(
        'the import to pass half the file',
        async () => (await status(id)).bytesDone >= SIZE / 2,
        {
          timeoutMs: 120_000,
          intervalMs: 20,
        },
      );
      const before = proxy.connections();
      proxy.dropConnections();
      await waitFor(
        'the import to end',
        async () => !['PENDING', 'RUNNING'].includes((await status(id)).status),
        {
          timeoutMs: 300_000,
          intervalMs: 200,
        },
      );
      const done = await status(id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('SUCCEEDED');
      expect(done.files[0]!.artifact).toMatchObject({ size: SIZE, sha256 });
      // Taken up again over a new connection, not started over: the bytes count once.
      expect(proxy.connections()).toBeGreaterThan(before);
      expect(done.bytesDone).toBe(SIZE);
    } finally {
      clearInterval(sampler);
    }
    console.log(`1 GiB import, cut and resumed: peak RSS growth ${(peak / MiB).toFixed(0)} MiB`);
    expect(peak).toBeLessThan(200 * MiB);

    // Cancelled a quarter of the way: no version of its name exists.
    const cancelled = (
      await q<{ importFromDrive: { id: string } }>(
        'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["match.mp4"], prefix: "cancelled") { id } }',
        { d: driveId },
      )
    ).data!.importFromDrive.id;
    await waitFor(
      'the second import to pass a quarter',
      async () => (await status(cancelled)).bytesDone >= SIZE / 4,
      {
        timeoutMs: 120_000,
        intervalMs: 20,
      },
    );
    const [one, two] = await Promise.all(
      [1, 2].map(() =>
        q<{ cancelDriveTransfer: { status: string } }>(
          'mutation($id: ID!) { cancelDriveTransfer(id: $id) { status } }',
          { id: cancelled },
        ),
      ),
    );
    expect([one!.data!.cancelDriveTransfer.status, two!.data!.cancelDriveTransfer.status]).toEqual([
      'CANCELLED',
      'CANCELLED',
    ]);
    // The runner notices within a second, stops reading and lets go; storage keeps nothing of it.
    await waitFor(
      'the transfer runner to let go of the cancelled import',
      async () =>
        (await jarvis.runtime.jobs.status()).find((j) => j.name === 'drives.transfers')?.running === false,
      { timeoutMs: 60_000 },
    );
    const artifacts = await q<{ artifacts: { totalCount: number } }>(
      '{ artifacts(filter: { namePrefix: "cancelled/" }) { totalCount } }',
    );
    expect(artifacts.errors).toBeUndefined();
    expect(artifacts.data!.artifacts.totalCount).toBe(0);
  }, 600_000);
});
