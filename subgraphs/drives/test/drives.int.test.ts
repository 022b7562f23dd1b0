import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, jarvisFromFile, startWebdav, type WebdavServer, waitFor } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DRIVE = 'id name provider status location';
const CONNECT_LOCAL = `mutation($n: String!, $p: String!) { connectLocalDrive(name: $n, path: $p) { ${DRIVE} } }`;
const CONNECT_DAV = `mutation($n: String!, $u: String!, $user: String!, $pw: String!) {
  connectWebdavDrive(name: $n, url: $u, username: $user, password: $pw) { ${DRIVE} } }`;
const FILES =
  'query($id: ID!, $f: String) { drive(id: $id) { status files(folder: $f) { path folder size mimeType } } }';

type Jarvis = Awaited<ReturnType<typeof jarvisFromFile>>;
const keyFor = async (jarvis: Jarvis, name: string) =>
  (
    await (jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService).issueKey({
      projectId: 'default',
      name,
      role: 'editor',
    })
  ).secret;

describe('drives, from a jarvis.yaml', () => {
  let scratch: string;
  let roots: { allowed: string; other: string };
  let dav: WebdavServer;
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'jarvis-drives-'));
    roots = { allowed: path.join(scratch, 'shares'), other: path.join(scratch, 'elsewhere') };
    mkdirSync(path.join(roots.allowed, 'icloud', 'clips'), { recursive: true });
    mkdirSync(roots.other);
    writeFileSync(path.join(roots.allowed, 'icloud', 'clips', 'game-1.mp4'), Buffer.alloc(2048, 1));
    writeFileSync(path.join(roots.allowed, 'icloud', 'notes.md'), '# scouting');
    dav = await startWebdav();
    writeFileSync(path.join(dav.root, 'report.pdf'), '%PDF-1.4');
  });
  afterAll(async () => {
    await dav?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('services.drives.local_roots: a folder under one connects and lists; one elsewhere is FORBIDDEN; a drive is its owner`s', async () => {
    await using jarvis = await jarvisFromFile(
      `auth:\n  mode: keys\nservices:\n  drives:\n    local_roots:\n      - ${roots.allowed}\n`,
    );
    const [alice, bob] = [await keyFor(jarvis, 'alice'), await keyFor(jarvis, 'bob')];
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const q = <T>(key: string, query: string, variables: Record<string, unknown> = {}) =>
      gql<T>(jarvis.router.fetch, query, variables, as(key));

    const connected = await q<{ connectLocalDrive: { id: string; provider: string; status: string } }>(
      alice,
      CONNECT_LOCAL,
      {
        n: 'iCloud Drive',
        p: path.join(roots.allowed, 'icloud'),
      },
    );
    expect(connected.errors).toBeUndefined();
    const id = connected.data!.connectLocalDrive.id;
    expect(connected.data!.connectLocalDrive).toMatchObject({ provider: 'LOCAL', status: 'CONNECTED' });
    const files = await q<{
      drive: { files: { path: string; folder: boolean; size: number; mimeType: string }[] };
    }>(alice, FILES, { id, f: '' });
    expect(files.data!.drive.files).toEqual([
      { path: 'clips', folder: true, size: 0, mimeType: 'inode/directory' },
      { path: 'notes.md', folder: false, size: 10, mimeType: 'text/markdown' },
    ]);
    expect(
      (await q<{ drive: { files: { path: string }[] } }>(alice, FILES, { id, f: 'clips' })).data!.drive.files,
    ).toEqual([expect.objectContaining({ path: 'clips/game-1.mp4', size: 2048 })]);

    // Bob sees nothing of Alice's drive, and cannot disconnect it.
    expect((await q<{ drives: unknown[] }>(bob, `{ drives { ${DRIVE} } }`)).data!.drives).toEqual([]);
    expect((await q<{ drive: unknown }>(bob, FILES, { id, f: '' })).data!.drive).toBeNull();
    expect(
      (await q<{ disconnectDrive: boolean }>(bob, 'mutation($id: ID!) { disconnectDrive(id: $id) }', { id }))
        .data,
    ).toEqual({
      disconnectDrive: false,
    });

    for (const [p, code] of [
      [roots.other, 'FORBIDDEN'],
      [path.join(roots.allowed, 'icloud', '..', '..', 'elsewhere'), 'FORBIDDEN'],
      ['relative/folder', 'BAD_USER_INPUT'],
      [path.join(roots.allowed, 'missing'), 'BAD_USER_INPUT'],
    ] as const) {
      const refused = await q(alice, CONNECT_LOCAL, { n: `x-${randomBytes(3).toString('hex')}`, p });
      expect(refused.errors?.[0]?.extensions?.code, `${p}: ${JSON.stringify(refused.errors)}`).toBe(code);
    }
    const climbing = await q(alice, FILES, { id, f: '../..' });
    expect(climbing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The same name twice at once: one drive, the other a CONFLICT.
    const both = await Promise.all(
      [0, 1].map(() =>
        q(alice, CONNECT_LOCAL, { n: 'Shared clips', p: path.join(roots.allowed, 'icloud', 'clips') }),
      ),
    );
    expect(both.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok').sort()).toEqual(['CONFLICT', 'ok']);

    expect(
      (
        await q<{ disconnectDrive: boolean }>(alice, 'mutation($id: ID!) { disconnectDrive(id: $id) }', {
          id,
        })
      ).data,
    ).toEqual({
      disconnectDrive: true,
    });
    expect((await q<{ drive: unknown }>(alice, FILES, { id, f: '' })).data!.drive).toBeNull();
  });

  it('services.drives.secret_key: a WebDAV password is checked, sealed at rest, readable after a restart, and a new key says to reconnect', async () => {
    const home = path.join(scratch, 'home');
    const key = randomBytes(32).toString('base64');
    const yaml = (secret: string) => `home: ${home}\nservices:\n  drives:\n    secret_key: ${secret}\n`;
    let id: string;
    {
      await using jarvis = await jarvisFromFile(yaml(key));
      const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
        gql<T>(jarvis.router.fetch, query, variables);
      const wrong = await q(CONNECT_DAV, { n: 'Nextcloud', u: dav.url, user: dav.username, pw: 'not-it' });
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'DRIVE_CREDENTIALS_REFUSED',
      });
      const unreachable = await q(CONNECT_DAV, {
        n: 'Nextcloud',
        u: 'http://127.0.0.1:9/dav/',
        user: 'a',
        pw: 'b',
      });
      expect(unreachable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const withCredentials = await q(CONNECT_DAV, {
        n: 'Nextcloud',
        u: 'http://alice:pw@127.0.0.1:9/',
        user: 'a',
        pw: 'b',
      });
      expect(withCredentials.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'url',
      });
      const connected = await q<{ connectWebdavDrive: { id: string; location: string } }>(CONNECT_DAV, {
        n: 'Nextcloud',
        u: dav.url,
        user: dav.username,
        pw: dav.password,
      });
      expect(connected.errors).toBeUndefined();
      id = connected.data!.connectWebdavDrive.id;
      const row = await jarvis.runtime.db.kysely
        .selectFrom('drives.drives')
        .select(['secret', 'settings'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.secret).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain(dav.password);
    }
    {
      await using jarvis = await jarvisFromFile(yaml(key));
      const files = await gql<{ drive: { status: string; files: { path: string }[] } }>(
        jarvis.router.fetch,
        FILES,
        { id, f: '' },
      );
      expect(files.errors).toBeUndefined();
      expect(files.data!.drive).toEqual({
        status: 'CONNECTED',
        files: [expect.objectContaining({ path: 'report.pdf' })],
      });
    }
    {
      await using jarvis = await jarvisFromFile(yaml(randomBytes(32).toString('base64')));
      const refused = await gql(jarvis.router.fetch, FILES, { id, f: '' });
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'DRIVE_NEEDS_RECONNECT',
      });
      const after = await gql<{ drive: { status: string } }>(
        jarvis.router.fetch,
        'query($id: ID!) { drive(id: $id) { status } }',
        { id },
      );
      expect(after.data!.drive.status).toBe('NEEDS_RECONNECT');
    }
  });

  it('without services.drives.secret_key a key is made once in home and kept', async () => {
    await using jarvis = await jarvisFromFile('');
    const keyFile = path.join(jarvis.home, 'drives.key');
    const { readFileSync, statSync } = await import('node:fs');
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
  });

  it('a sync job acts as its creator as they stand: once their key is revoked its next run fails and the job pauses', async () => {
    await using jarvis = await jarvisFromFile(
      `auth:\n  mode: keys\nservices:\n  drives:\n    local_roots:\n      - ${roots.allowed}\n`,
    );
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    const issued = await identity.issueKey({ projectId: 'default', name: 'syncer', role: 'editor' });
    const q = <T>(query: string, variables: Record<string, unknown> = {}) =>
      gql<T>(jarvis.router.fetch, query, variables, { authorization: `Bearer ${issued.secret}` });
    const drive = await q<{ connectLocalDrive: { id: string } }>(CONNECT_LOCAL, {
      n: 'synced',
      p: path.join(roots.allowed, 'icloud'),
    });
    const job = await q<{ createSyncJob: { id: string } }>(
      'mutation($d: ID!) { createSyncJob(driveId: $d, folder: "clips", prefix: "synced/clips", direction: IMPORT) { id } }',
      { d: drive.data!.connectLocalDrive.id },
    );
    expect(job.errors).toBeUndefined();
    const jobId = job.data!.createSyncJob.id;
    const runs = () =>
      jarvis.runtime.db.kysely
        .selectFrom('drives.transfers')
        .select(['status', 'error'])
        .where('sync_job_id', '=', jobId)
        .orderBy('created_at')
        .execute();
    await waitFor('the first run to succeed', async () => (await runs())[0]?.status === 'SUCCEEDED', {
      timeoutMs: 60_000,
    });

    await identity.revokeKey(issued.apiKey.id);
    // Due again (as the schedule would make it in an hour).
    await jarvis.runtime.db.kysely
      .updateTable('drives.sync_jobs')
      .set({ next_run_at: new Date() })
      .where('id', '=', jobId)
      .execute();
    await waitFor(
      'the next run to end',
      async () => ['FAILED', 'SUCCEEDED'].includes((await runs())[1]?.status ?? ''),
      {
        timeoutMs: 60_000,
      },
    );
    const second = (await runs())[1]!;
    expect(second.status).toBe('FAILED');
    expect(second.error).toMatch(
      /the one who asked can no longer act \(API key .* was revoked\); the sync job is paused/,
    );
    const paused = await jarvis.runtime.db.kysely
      .selectFrom('drives.sync_jobs')
      .select('enabled')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(paused.enabled).toBe(false);
  });
});
