import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, jarvisFromFile, startWebdav, type WebdavServer, waitFor } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Jarvis = Awaited<ReturnType<typeof jarvisFromFile>>;

interface Run {
  id: string;
  status: string;
  direction: string;
  filesTotal: number;
  error: string | null;
  files: {
    path: string;
    outcome: string;
    direction: string | null;
    artifact: { name: string; version: number } | null;
  }[];
}
const RUN = 'id status direction filesTotal error files { path outcome direction artifact { name version } }';
const CREATE = `mutation($d: ID!, $k: String) { createSyncJob(driveId: $d, folder: "team/season", prefix: "synced/season",
  direction: BOTH, propagateDeletions: true, idempotencyKey: $k) { id folder prefix direction intervalMinutes enabled } }`;

const store = (jarvis: Jarvis, name: string, content: string) =>
  gql<{ storeSmallArtifact: { id: string; version: number } }>(
    jarvis.router.fetch,
    'mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id version } }',
    {
      i: {
        name,
        kind: 'REPORT',
        size: Buffer.byteLength(content),
        sha256: createHash('sha256').update(content).digest('hex'),
        contentType: 'text/markdown',
      },
      c: Buffer.from(content).toString('base64'),
    },
  );

const artifactText = async (jarvis: Jarvis, name: string) => {
  const found = await gql<{ artifactByName: { id: string; version: number } | null }>(
    jarvis.router.fetch,
    'query($n: String!) { artifactByName(name: $n) { id version } }',
    { n: name },
  );
  const artifact = found.data!.artifactByName;
  if (!artifact) return undefined;
  const body = await jarvis.router.fetch(
    new Request(`http://jarvis/storage/artifacts/${artifact.id}/content`),
  );
  return { version: artifact.version, text: await body.text() };
};

/** The WebDAV share connected as the drive "club"; its id. */
const connectedWebdav = async (jarvis: Jarvis, dav: WebdavServer) =>
  (
    await gql<{ connectWebdavDrive: { id: string } }>(
      jarvis.router.fetch,
      'mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "club", url: $u, username: $user, password: $pw) { id } }',
      { u: dav.url, user: dav.username, pw: dav.password },
    )
  ).data!.connectWebdavDrive.id;

/** The job's newest run once it ended (after `after`, a run id to wait past). */
async function nextRun(jarvis: Jarvis, jobId: string, after?: string): Promise<Run> {
  let run: Run | undefined;
  await waitFor(
    `a run of sync job ${jobId} to end`,
    async () => {
      const result = await gql<{ syncJob: { runs: Run[] } }>(
        jarvis.router.fetch,
        `query($id: ID!) { syncJob(id: $id) { runs(first: 1) { ${RUN} } } }`,
        { id: jobId },
      );
      run = result.data!.syncJob.runs[0];
      return !!run && run.id !== after && !['PENDING', 'RUNNING'].includes(run.status);
    },
    { timeoutMs: 60_000 },
  );
  return run!;
}

const runNow = async (jarvis: Jarvis, jobId: string) =>
  (
    await gql<{ runSyncJob: { id: string } }>(
      jarvis.router.fetch,
      'mutation($id: ID!) { runSyncJob(id: $id) { id } }',
      { id: jobId },
    )
  ).data!.runSyncJob.id;

const moves = (run: Run) => run.files.map((f) => [f.path, f.outcome, f.direction]).sort();

describe('a sync job keeps a drive folder and an artifact prefix equal both ways, across restarts', () => {
  let dav: WebdavServer;
  let scratch: string;
  let season: string;
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-sync-'));
    dav = await startWebdav();
    season = path.join(dav.root, 'team', 'season');
    mkdirSync(path.join(season, 'clips'), { recursive: true });
    writeFileSync(path.join(season, 'roster.txt'), 'ann, bo, cy');
    writeFileSync(path.join(season, 'clips', 'plays.csv'), 'play,minute\npress,12\n');
    writeFileSync(path.join(season, 'old-notes.txt'), 'to be deleted');
  });
  afterAll(async () => {
    await dav?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('syncs both ways, moves nothing the second time, keeps both sides of a conflict, propagates a deletion, and survives a restart', async () => {
    const yaml = `home: ${path.join(scratch, 'home')}\nlog:\n  level: warn\n`;
    let jobId: string;
    let firstRun: string;
    {
      await using jarvis = await jarvisFromFile(yaml);
      const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
        gql<T>(jarvis.router.fetch, query, variables);
      const driveId = await connectedWebdav(jarvis, dav);
      expect((await store(jarvis, 'synced/season/report.md', '# Week 1')).errors).toBeUndefined();

      // Twice at once under one key: one job.
      const [a, b] = await Promise.all(
        [1, 2].map(() => q<{ createSyncJob: { id: string } }>(CREATE, { d: driveId, k: 'club-sync' })),
      );
      expect(a!.errors).toBeUndefined();
      expect(a!.data!.createSyncJob.id).toBe(b!.data!.createSyncJob.id);
      jobId = a!.data!.createSyncJob.id;
      // One prefix, one job.
      const again = await q(CREATE, { d: driveId, k: 'another' });
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

      // The first run comes by itself (due now), on the schedule job.
      const first = await nextRun(jarvis, jobId);
      firstRun = first.id;
      expect(first).toMatchObject({ status: 'SUCCEEDED', direction: 'SYNC', error: null });
      expect(moves(first)).toEqual([
        ['team/season/clips/plays.csv', 'MOVED', 'IMPORT'],
        ['team/season/old-notes.txt', 'MOVED', 'IMPORT'],
        ['team/season/report.md', 'MOVED', 'EXPORT'],
        ['team/season/roster.txt', 'MOVED', 'IMPORT'],
      ]);
      expect(readFileSync(path.join(season, 'report.md'), 'utf8')).toBe('# Week 1');
      expect(await artifactText(jarvis, 'synced/season/clips/plays.csv')).toEqual({
        version: 1,
        text: 'play,minute\npress,12\n',
      });

      // Nothing changed: nothing moves. Run now twice at once: one run, both told of it.
      const [one, two] = await Promise.all([runNow(jarvis, jobId), runNow(jarvis, jobId)]);
      expect(one).toBe(two);
      const second = await nextRun(jarvis, jobId, firstRun);
      expect(second.id).toBe(one);
      expect(second).toMatchObject({ status: 'SUCCEEDED', filesTotal: 0, files: [] });
    }

    // Changes on both sides while Jarvis is down.
    writeFileSync(path.join(season, 'roster.txt'), 'ann, bo, cy, dee');
    writeFileSync(path.join(season, 'clips', 'plays.csv'), 'play,minute\npress,12\ncounter,30\n');
    unlinkSync(path.join(season, 'old-notes.txt'));
    {
      await using jarvis = await jarvisFromFile(yaml);
      await store(jarvis, 'synced/season/report.md', '# Week 2');
      await store(jarvis, 'synced/season/clips/plays.csv', 'play,minute\nlong ball,44\n');
      const before = (
        await gql<{ syncJob: { runs: { id: string }[] } }>(
          jarvis.router.fetch,
          'query($id: ID!) { syncJob(id: $id) { runs(first: 1) { id } } }',
          { id: jobId },
        )
      ).data!.syncJob.runs[0]!.id;
      await runNow(jarvis, jobId);
      const third = await nextRun(jarvis, jobId, before);
      expect(third.error).toBeNull();
      expect(moves(third)).toEqual([
        ['team/season/clips/plays.csv', 'CONFLICT', 'EXPORT'],
        ['team/season/old-notes.txt', 'DELETED', 'IMPORT'],
        ['team/season/report.md', 'MOVED', 'EXPORT'],
        ['team/season/roster.txt', 'MOVED', 'IMPORT'],
      ]);
      // The conflict: storage's version in place on the drive, the drive's kept beside it, and in storage too.
      expect(readFileSync(path.join(season, 'clips', 'plays.csv'), 'utf8')).toBe(
        'play,minute\nlong ball,44\n',
      );
      const aside = readdirSync(path.join(season, 'clips')).find((n) => n.startsWith('plays (conflict '))!;
      expect(aside).toMatch(/^plays \(conflict \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\)\.csv$/);
      expect(readFileSync(path.join(season, 'clips', aside), 'utf8')).toContain('counter,30');
      const asideName = `synced/season/clips/${aside.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
      expect((await artifactText(jarvis, asideName))?.text).toContain('counter,30');
      expect(await artifactText(jarvis, 'synced/season/roster.txt')).toEqual({
        version: 2,
        text: 'ann, bo, cy, dee',
      });
      expect(readFileSync(path.join(season, 'report.md'), 'utf8')).toBe('# Week 2');
      expect(await artifactText(jarvis, 'synced/season/old-notes.txt')).toBeUndefined();

      // And again nothing moves.
      const fourth = await nextRun(jarvis, jobId, await runNow(jarvis, jobId).then(() => third.id));
      expect(fourth).toMatchObject({ status: 'SUCCEEDED', filesTotal: 0 });
      expect(existsSync(path.join(season, 'old-notes.txt'))).toBe(false);
    }
  }, 180_000);

  it('two drive files that would share an artifact name: one syncs, the other fails with CONFLICT every run and takes nothing over', async () => {
    mkdirSync(path.join(dav.root, 'clash'));
    writeFileSync(path.join(dav.root, 'clash', 'a b.txt'), 'first');
    writeFileSync(path.join(dav.root, 'clash', 'a_b.txt'), 'second');
    await using jarvis = await jarvisFromFile(
      `home: ${path.join(scratch, 'clash-home')}\nlog:\n  level: warn\n`,
    );
    const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
      gql<T>(jarvis.router.fetch, query, variables);
    const driveId = await connectedWebdav(jarvis, dav);
    const jobId = (
      await q<{ createSyncJob: { id: string } }>(
        'mutation($d: ID!) { createSyncJob(driveId: $d, folder: "clash", prefix: "clash", direction: IMPORT) { id } }',
        { d: driveId },
      )
    ).data!.createSyncJob.id;
    const first = await nextRun(jarvis, jobId);
    expect(first.status).toBe('FAILED');
    expect(first.files.map((f) => f.outcome).sort()).toEqual(['FAILED', 'MOVED']);
    const again = await nextRun(jarvis, jobId, await runNow(jarvis, jobId).then(() => first.id));
    expect(again.files.map((f) => f.outcome)).toEqual(['FAILED']);
    expect(await artifactText(jarvis, 'clash/a_b.txt')).toMatchObject({ version: 1 });
  });
});
