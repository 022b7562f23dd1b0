import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gql, jarvisFromFile, startWebdav, type WebdavServer, waitFor } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleDriveProvider } from '../src/index.ts';
import { resumableRead } from '../src/transfers/resumableRead.ts';
import { type GoogleDriveFake, startGoogleDriveFake } from './fakes/googleDriveFake.ts';

type Jarvis = Awaited<ReturnType<typeof jarvisFromFile>>;
const STATUS = `query($id: ID!) { driveTransfer(id: $id) { status bytesDone error
  files { path outcome errorCode error artifact { id size } } } }`;
interface Status {
  status: string;
  bytesDone: number;
  error: string | null;
  files: {
    path: string;
    outcome: string;
    errorCode: string | null;
    error: string | null;
    artifact: { id: string; size: number } | null;
  }[];
}
const status = async (jarvis: Jarvis, id: string) =>
  (await gql<{ driveTransfer: Status }>(jarvis.router.fetch, STATUS, { id })).data!.driveTransfer;
const ended = async (jarvis: Jarvis, id: string) => {
  await waitFor(
    `transfer ${id} to end`,
    async () => !['PENDING', 'RUNNING'].includes((await status(jarvis, id)).status),
    {
      timeoutMs: 120_000,
    },
  );
  return status(jarvis, id);
};

describe('transfers when things go wrong', () => {
  let scratch: string;
  let dav: WebdavServer;
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-transfer-failures-'));
    dav = await startWebdav();
  });
  afterAll(async () => {
    await dav?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a file over services.storage.max_upload_bytes fails with LIMIT_EXCEEDED and leaves no artifact; the others come in', async () => {
    const root = path.join(scratch, 'limits');
    mkdirSync(path.join(root, 'clips'), { recursive: true });
    writeFileSync(path.join(root, 'clips', 'big.mp4'), Buffer.alloc(3_000_000, 1));
    writeFileSync(path.join(root, 'clips', 'small.mp4'), Buffer.alloc(1_000, 2));
    await using jarvis = await jarvisFromFile(
      `services:\n  storage:\n    max_upload_bytes: 2000000\n  drives:\n    local_roots: [${scratch}]\n`,
    );
    const drive = (
      await gql<{ connectLocalDrive: { id: string } }>(
        jarvis.router.fetch,
        'mutation($p: String!) { connectLocalDrive(name: "limits", path: $p) { id } }',
        { p: root },
      )
    ).data!.connectLocalDrive.id;
    const started = await gql<{ importFromDrive: { id: string } }>(
      jarvis.router.fetch,
      'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["clips"]) { id } }',
      { d: drive },
    );
    const done = await ended(jarvis, started.data!.importFromDrive.id);
    expect(done.status).toBe('FAILED');
    const big = done.files.find((f) => f.path === 'clips/big.mp4')!;
    expect(big).toMatchObject({ outcome: 'FAILED', errorCode: 'LIMIT_EXCEEDED', artifact: null });
    expect(big.error).toContain('services.storage.max_upload_bytes');
    expect(done.files.find((f) => f.path === 'clips/small.mp4')).toMatchObject({
      outcome: 'MOVED',
      artifact: { size: 1000 },
    });
    const stored = await gql<{ artifacts: { edges: { node: { name: string } }[] } }>(
      jarvis.router.fetch,
      '{ artifacts(filter: { namePrefix: "drives/limits/" }) { edges { node { name } } } }',
    );
    expect(stored.data!.artifacts.edges.map((e) => e.node.name)).toEqual(['drives/limits/clips/small.mp4']);
  });

  it('an import under way when Jarvis stops goes on when it starts again, and ends with the whole file', async () => {
    const size = 512 * 1024 * 1024;
    const file = path.join(dav.root, 'season.mp4');
    writeFileSync(file, '');
    truncateSync(file, size);
    const yaml = `home: ${path.join(scratch, 'restart-home')}\nlog:\n  level: warn\n`;
    let id: string;
    {
      await using jarvis = await jarvisFromFile(yaml);
      const drive = (
        await gql<{ connectWebdavDrive: { id: string } }>(
          jarvis.router.fetch,
          'mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "nas", url: $u, username: $user, password: $pw) { id } }',
          { u: dav.url, user: dav.username, pw: dav.password },
        )
      ).data!.connectWebdavDrive.id;
      id = (
        await gql<{ importFromDrive: { id: string } }>(
          jarvis.router.fetch,
          'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["season.mp4"]) { id } }',
          { d: drive },
        )
      ).data!.importFromDrive.id;
      await waitFor('the import to be under way', async () => (await status(jarvis, id)).bytesDone > 0, {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      const midway = await status(jarvis, id);
      expect(midway.status).toBe('RUNNING');
      expect(midway.bytesDone).toBeLessThan(size);
    }
    {
      await using jarvis = await jarvisFromFile(yaml);
      // Stopped mid-way, it was left RUNNING; the new process takes it up.
      const done = await ended(jarvis, id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('SUCCEEDED');
      expect(done.files).toEqual([
        expect.objectContaining({
          path: 'season.mp4',
          outcome: 'MOVED',
          artifact: expect.objectContaining({ size }),
        }),
      ]);
      const versions = await gql<{ artifacts: { totalCount: number } }>(
        jarvis.router.fetch,
        '{ artifacts(filter: { namePrefix: "drives/nas/season.mp4" }) { totalCount } }',
      );
      expect(versions.data!.artifacts.totalCount).toBe(1);
    }
  }, 300_000);
});

describe('a read that Google Drive rate-limits', () => {
  let google: GoogleDriveFake;
  beforeAll(async () => {
    google = await startGoogleDriveFake();
  });
  afterAll(() => google.stop());

  it('waits as long as Retry-After says and goes on; a file that is gone is not retried', async () => {
    const token = google.issueToken();
    const drive = googleDriveProvider({ accessToken: async () => token, rootUrl: google.rootUrl });
    await drive.write('clips/a.mp4', Readable.from([Buffer.from('frame data')]), 10);
    google.rateLimit(1, 1);
    const resumes: unknown[] = [];
    const started = Date.now();
    const body = await text(
      resumableRead((start) => drive.read('clips/a.mp4', { start }), 10, {
        onResume: (_from, error) => resumes.push((error as { extensions?: unknown }).extensions),
      }),
    );
    expect(body).toBe('frame data');
    expect(resumes).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED', retryAfterMs: 1000 })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await expect(
      text(resumableRead((start) => drive.read('clips/gone.mp4', { start }), 10)),
    ).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });
});
