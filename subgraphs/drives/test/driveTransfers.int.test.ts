import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  gql,
  liveSubscription,
  servedJarvis,
  startWebdav,
  type WebdavServer,
  waitFor,
} from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxWith, pdfWith } from './documents.ts';

type Jarvis = Awaited<ReturnType<typeof servedJarvis>>;
type GqlImport = Awaited<ReturnType<typeof gql<{ importFromDrive: { id: string } }>>>;

const TRANSFER = `id status direction filesTotal filesDone filesSkipped filesFailed bytesTotal bytesDone progress error
  files { path outcome size errorCode error artifact { id name version kind size contentType metadata
    source { driveId path providerId version drive { name } } } }`;
const IMPORT = `mutation($d: ID!, $p: [String!]!, $f: DriveFileFilter, $prefix: String, $k: String) {
  importFromDrive(driveId: $d, paths: $p, filter: $f, prefix: $prefix, idempotencyKey: $k) { id status } }`;
const EXPORT = `mutation($a: [ID!]!, $d: ID!, $folder: String!, $create: Boolean) {
  exportToDrive(artifactIds: $a, driveId: $d, folder: $folder, createFolder: $create) { id status } }`;
const GET = `query($id: ID!) { driveTransfer(id: $id) { ${TRANSFER} } }`;

interface Transfer {
  id: string;
  status: string;
  filesTotal: number;
  filesDone: number;
  filesSkipped: number;
  filesFailed: number;
  bytesTotal: number;
  bytesDone: number;
  progress: number;
  error: string | null;
  files: {
    path: string;
    outcome: string;
    size: number;
    errorCode: string | null;
    error: string | null;
    artifact: {
      id: string;
      name: string;
      version: number;
      kind: string;
      size: number;
      contentType: string;
      metadata: Record<string, unknown>;
      source: {
        driveId: string;
        path: string;
        providerId: string;
        version: string;
        drive: { name: string };
      } | null;
    } | null;
  }[];
}

/** A transfer once it ended, read back through the API. */
async function ended(jarvis: Jarvis, id: string): Promise<Transfer> {
  let transfer: Transfer | undefined;
  await waitFor(
    `transfer ${id} to end`,
    async () => {
      const result = await gql<{ driveTransfer: Transfer }>(jarvis.router.fetch, GET, { id });
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      transfer = result.data!.driveTransfer;
      return !['PENDING', 'RUNNING'].includes(transfer.status);
    },
    { timeoutMs: 60_000 },
  );
  return transfer!;
}

describe('import from and export to a drive, through storage', () => {
  let dav: WebdavServer;
  let jarvis: Jarvis;
  let scratch: string;
  let driveId: string;
  let localId: string;
  const clip = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-transfers-'));
    dav = await startWebdav();
    mkdirSync(path.join(dav.root, 'season', 'clips'), { recursive: true });
    writeFileSync(path.join(dav.root, 'season', 'clips', 'Game 1 (final).mp4'), clip);
    writeFileSync(
      path.join(dav.root, 'season', 'clips', 'still.png'),
      Buffer.from('89504e470d0a1a0a', 'hex'),
    );
    writeFileSync(
      path.join(dav.root, 'season', 'scouting report.pdf'),
      pdfWith('The opponent presses with a high defensive line'),
    );
    writeFileSync(
      path.join(dav.root, 'season', 'plan.docx'),
      docxWith(['Counterattack down the left wing', 'Rotate goalkeepers']),
    );
    writeFileSync(path.join(dav.root, 'season', 'stats.csv'), 'player,minutes,expected_goals\nann,90,0.4\n');
    mkdirSync(path.join(scratch, 'results'));
    jarvis = await servedJarvis({ services: { drives: { local_roots: [scratch] } } });
    const dav1 = await gql<{ connectWebdavDrive: { id: string } }>(
      jarvis.router.fetch,
      `mutation($u: String!, $user: String!, $pw: String!) { connectWebdavDrive(name: "Team Nextcloud", url: $u, username: $user, password: $pw) { id } }`,
      { u: dav.url, user: dav.username, pw: dav.password },
    );
    driveId = dav1.data!.connectWebdavDrive.id;
    const local = await gql<{ connectLocalDrive: { id: string } }>(
      jarvis.router.fetch,
      'mutation($p: String!) { connectLocalDrive(name: "results", path: $p) { id } }',
      { p: path.join(scratch, 'results') },
    );
    localId = local.data!.connectLocalDrive.id;
  });
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    await dav?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('imports a folder into versioned artifacts, with metadata, source and progress events; a second import fetches nothing', async () => {
    const started = await gql<{ importFromDrive: { id: string; status: string } }>(
      jarvis.router.fetch,
      IMPORT,
      {
        d: driveId,
        p: ['season'],
      },
    );
    expect(started.errors).toBeUndefined();
    const id = started.data!.importFromDrive.id;
    const events = await liveSubscription<{
      driveTransferEvents: {
        type: string;
        path: string | null;
        bytesDone: number;
        transfer: { status: string };
      };
    }>(
      jarvis,
      'subscription($id: ID!) { driveTransferEvents(transferId: $id) { type path bytesDone bytesTotal filesDone filesTotal transfer { status } } }',
      { id },
    );
    const transfer = await ended(jarvis, id);
    expect(transfer).toMatchObject({
      status: 'SUCCEEDED',
      filesTotal: 5,
      filesDone: 5,
      filesFailed: 0,
      progress: 1,
      error: null,
    });
    const byPath = Object.fromEntries(transfer.files.map((f) => [f.path, f]));
    const video = byPath['season/clips/Game 1 (final).mp4']!;
    expect(video).toMatchObject({ outcome: 'MOVED', size: clip.length });
    expect(video.artifact).toMatchObject({
      name: 'drives/Team_Nextcloud/season/clips/Game_1_final_.mp4',
      kind: 'MEDIA',
      size: clip.length,
      contentType: 'video/mp4',
      metadata: {
        path: 'season/clips/Game 1 (final).mp4',
        drive: { id: driveId, name: 'Team Nextcloud', provider: 'WEBDAV' },
      },
      source: { driveId, path: 'season/clips/Game 1 (final).mp4', drive: { name: 'Team Nextcloud' } },
    });
    expect(byPath['season/clips/still.png']!.artifact!.kind).toBe('MEDIA');
    expect(byPath['season/stats.csv']!.artifact!.kind).toBe('DATASET');
    expect(byPath['season/scouting report.pdf']!.artifact!.kind).toBe('REPORT');
    // The bytes in storage are the drive's.
    const content = await jarvis.router.fetch(
      new Request(`http://jarvis/storage/artifacts/${video.artifact!.id}/content`),
    );
    expect(Buffer.from(await content.arrayBuffer()).equals(clip)).toBe(true);
    // The subscriber saw it start, move each file, and end.
    await events.until((e) => e.some((x) => x.data?.driveTransferEvents.type === 'SUCCEEDED'));
    const types = events.events.map((e) => e.data!.driveTransferEvents.type);
    expect(types[0]).toBe('SNAPSHOT');
    expect(types.filter((t) => t === 'FILE_MOVED')).toHaveLength(5);
    expect(types.at(-1)).toBe('SUCCEEDED');
    await events[Symbol.asyncDispose]();

    // Unchanged: nothing fetched again, the same artifacts.
    const again = await gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
      d: driveId,
      p: ['season'],
    });
    const second = await ended(jarvis, again.data!.importFromDrive.id);
    expect(second).toMatchObject({ status: 'SUCCEEDED', filesDone: 5, filesSkipped: 5 });
    expect(second.files.find((f) => f.path === video.path)!.artifact!.id).toBe(video.artifact!.id);

    // A changed file is a new version of its artifact.
    writeFileSync(path.join(dav.root, 'season', 'stats.csv'), 'player,minutes,expected_goals\nann,90,0.6\n');
    const third = await ended(
      jarvis,
      (
        await gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
          d: driveId,
          p: ['season/stats.csv'],
        })
      ).data!.importFromDrive.id,
    );
    expect(third.files[0]).toMatchObject({ outcome: 'MOVED', artifact: { version: 2 } });
  });

  it('filters by type and size, and a missing path fails alone', async () => {
    const started = await gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
      d: driveId,
      p: ['season', 'season/nowhere.txt'],
      f: { types: ['image', '.pdf'], maxSize: 1_000_000 },
      prefix: 'scouting/imports',
    });
    const transfer = await ended(jarvis, started.data!.importFromDrive.id);
    expect(transfer.status).toBe('FAILED');
    expect(transfer.files.map((f) => [f.path, f.outcome, f.errorCode]).sort()).toEqual([
      ['season/clips/still.png', 'MOVED', null],
      ['season/nowhere.txt', 'FAILED', 'NOT_FOUND'],
      ['season/scouting report.pdf', 'MOVED', null],
    ]);
    expect(transfer.error).toMatch(/1 of 3 files did not move; the first: season\/nowhere.txt/);
    expect(transfer.files.find((f) => f.outcome === 'MOVED')!.artifact!.name).toMatch(
      /^scouting\/imports\/season\//,
    );
  });

  it('search finds words inside an imported PDF and DOCX, with a snippet, and by name', async () => {
    const search = async (query: string) =>
      (
        await gql<{
          searchDriveFiles: {
            file: { path: string };
            snippet: string;
            artifact: { id: string };
            drive: { name: string };
          }[];
        }>(
          jarvis.router.fetch,
          'query($q: String!) { searchDriveFiles(query: $q) { file { path } snippet rank artifact { id } drive { name } } }',
          { q: query },
        )
      ).data!.searchDriveFiles;
    const pdf = await search('defensive line');
    expect(pdf.map((h) => h.file.path)).toEqual(['season/scouting report.pdf']);
    expect(pdf[0]!.snippet).toMatch(/<b>defensive<\/b> <b>line<\/b>/);
    expect((await search('counterattack')).map((h) => h.file.path)).toEqual(['season/plan.docx']);
    expect((await search('expected_goals')).map((h) => h.file.path)).toEqual(['season/stats.csv']);
    expect((await search('game final')).map((h) => h.file.path)).toEqual(['season/clips/Game 1 (final).mp4']);
    expect(await search('"high defensive" -pdf')).toEqual([]);

    // With a drive, its own search adds what was never imported (no artifact, no snippet).
    mkdirSync(path.join(dav.root, 'archive'), { recursive: true });
    writeFileSync(path.join(dav.root, 'archive', 'old playbook.txt'), 'wing play');
    const onDrive = await gql<{
      searchDriveFiles: { file: { path: string }; artifact: unknown; snippet: string | null }[];
    }>(
      jarvis.router.fetch,
      'query($q: String!, $d: ID) { searchDriveFiles(query: $q, driveId: $d) { file { path } artifact { id } snippet } }',
      { q: 'playbook', d: driveId },
    );
    expect(onDrive.errors).toBeUndefined();
    expect(onDrive.data!.searchDriveFiles).toEqual([
      { file: { path: 'archive/old playbook.txt' }, artifact: null, snippet: null },
    ]);
    const bad = await gql(jarvis.router.fetch, 'query { searchDriveFiles(query: "   ") { rank } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('exports artifacts to a drive folder it creates; a missing artifact or drive is a clear error', async () => {
    const files = (
      await ended(
        jarvis,
        (
          await gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
            d: driveId,
            p: ['season'],
          })
        ).data!.importFromDrive.id,
      )
    ).files;
    const ids = files.filter((f) => /\.(csv|pdf)$/.test(f.path)).map((f) => f.artifact!.id);
    const started = await gql<{ exportToDrive: { id: string } }>(jarvis.router.fetch, EXPORT, {
      a: ids,
      d: localId,
      folder: 'match-42/report',
    });
    expect(started.errors).toBeUndefined();
    const transfer = await ended(jarvis, started.data!.exportToDrive.id);
    expect(transfer).toMatchObject({ status: 'SUCCEEDED', filesDone: 2, filesFailed: 0 });
    const folder = path.join(scratch, 'results', 'match-42', 'report');
    expect(readdirSync(folder).sort()).toEqual(['scouting_report.pdf', 'stats.csv']);
    expect(readFileSync(path.join(folder, 'stats.csv'), 'utf8')).toContain('0.6');

    // The same export twice at once under one key: one transfer, one file written.
    const twice = await Promise.all(
      [1, 2].map(() =>
        gql<{ exportToDrive: { id: string } }>(
          jarvis.router.fetch,
          'mutation($a: [ID!]!, $d: ID!) { exportToDrive(artifactIds: $a, driveId: $d, folder: "once", idempotencyKey: "export-once") { id } }',
          { a: ids, d: localId },
        ),
      ),
    );
    expect(twice.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(twice[0]!.data!.exportToDrive.id).toBe(twice[1]!.data!.exportToDrive.id);
    expect((await ended(jarvis, twice[0]!.data!.exportToDrive.id)).filesDone).toBe(2);
    const runs = await gql<{ driveTransfers: { id: string }[] }>(
      jarvis.router.fetch,
      'query($d: ID) { driveTransfers(driveId: $d, first: 50) { id } }',
      { d: localId },
    );
    expect(runs.data!.driveTransfers.filter((t) => t.id === twice[0]!.data!.exportToDrive.id)).toHaveLength(
      1,
    );
    expect(readdirSync(path.join(scratch, 'results', 'once')).sort()).toEqual([
      'scouting_report.pdf',
      'stats.csv',
    ]);

    const missing = await gql(jarvis.router.fetch, EXPORT, {
      a: ['00000000-0000-4000-8000-000000000000'],
      d: localId,
      folder: 'x',
    });
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const noDrive = await gql(jarvis.router.fetch, EXPORT, { a: ids, d: 'not-a-drive', folder: 'x' });
    expect(noDrive.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const noFolder = await gql<{ exportToDrive: { id: string } }>(jarvis.router.fetch, EXPORT, {
      a: ids,
      d: localId,
      folder: 'absent',
      create: false,
    });
    const refused = await ended(jarvis, noFolder.data!.exportToDrive.id);
    expect(refused).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/no folder absent/) });
    expect(existsSync(path.join(scratch, 'results', 'absent'))).toBe(false);
  });

  it('two drive files that would share an artifact name: the first comes in, the other fails with CONFLICT', async () => {
    mkdirSync(path.join(dav.root, 'twins'));
    writeFileSync(path.join(dav.root, 'twins', 'game 1.mp4'), 'first');
    writeFileSync(path.join(dav.root, 'twins', 'game_1.mp4'), 'second');
    const started = await gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
      d: driveId,
      p: ['twins'],
    });
    const transfer = await ended(jarvis, started.data!.importFromDrive.id);
    expect(transfer.status).toBe('FAILED');
    expect(transfer.files.map((f) => [f.outcome, f.errorCode]).sort()).toEqual([
      ['FAILED', 'CONFLICT'],
      ['MOVED', null],
    ]);
    expect(transfer.files.find((f) => f.outcome === 'FAILED')!.error).toMatch(
      /would both be imported as drives\/Team_Nextcloud\/twins\/game_1\.mp4/,
    );
  });

  it('refuses bad input with its code, before anything runs', async () => {
    const code = async (variables: Record<string, unknown>) =>
      (await gql(jarvis.router.fetch, IMPORT, { d: driveId, p: ['season'], ...variables })).errors?.[0]
        ?.extensions?.code;
    expect(await code({ p: [] })).toBe('BAD_USER_INPUT');
    expect(await code({ p: ['../etc'] })).toBe('BAD_USER_INPUT');
    expect(await code({ p: ['a\u0000b'] })).toBe('BAD_USER_INPUT');
    expect(await code({ f: { types: ['not a type!'] } })).toBe('BAD_USER_INPUT');
    expect(await code({ f: { maxSize: -1 } })).toBe('BAD_USER_INPUT');
    expect(await code({ prefix: '../up' })).toBe('BAD_USER_INPUT');
    expect(await code({ d: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    expect(await code({ k: '' })).toBe('BAD_USER_INPUT');
  });

  it('a WebDAV or local drive cannot share, and says where to share instead', async () => {
    for (const d of [driveId, localId]) {
      const shared = await gql(
        jarvis.router.fetch,
        'mutation($d: ID!) { createSharedFolder(driveId: $d, name: "results", anyoneWithLink: true) { url } }',
        { d },
      );
      expect(shared.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'DRIVE_CANNOT_SHARE',
      });
    }
  });

  it('the same idempotencyKey twice at once makes one transfer; another request under it is a CONFLICT', async () => {
    const [a, b] = (await Promise.all(
      [1, 2].map(() =>
        gql<{ importFromDrive: { id: string } }>(jarvis.router.fetch, IMPORT, {
          d: driveId,
          p: ['season/stats.csv'],
          k: 'import-once',
        }),
      ),
    )) as [GqlImport, GqlImport];
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.importFromDrive.id).toBe(b.data!.importFromDrive.id);
    const other = await gql(jarvis.router.fetch, IMPORT, { d: driveId, p: ['season'], k: 'import-once' });
    expect(other.errors![0]!.extensions!.code).toBe('CONFLICT');
    await ended(jarvis, a.data!.importFromDrive.id);
  });
});
