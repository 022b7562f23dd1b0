import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, runJarvis, waitFor } from '@jarvis/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('jarvis drives', () => {
  it('connects a local folder, imports with a progress bar (unchanged files the second time), exports, and says why a share is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-cli-drives-'));
    dirs.push(dir);
    const team = path.join(dir, 'team');
    mkdirSync(path.join(team, 'clips'), { recursive: true });
    writeFileSync(path.join(team, 'clips', 'shot.mp4'), Buffer.alloc(300_000, 5));
    writeFileSync(path.join(team, 'clips', 'notes.txt'), 'not a video');
    writeFileSync(
      path.join(dir, 'jarvis.yaml'),
      `home: ${path.join(dir, 'home')}\nservices:\n  drives:\n    local_roots: [${dir}]\n`,
    );
    const dev = runJarvis(['dev', '--port', '0', '-c', path.join(dir, 'jarvis.yaml')]);
    try {
      const [, url] = await dev.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/, 60_000);
      const jarvis = async (...args: string[]) => {
        const run = runJarvis(['drives', ...args], { JARVIS_URL: url! });
        const code = await run.exited;
        return { code, output: run.output() };
      };
      const connected = await jarvis('connect-local', 'Team', team);
      expect(connected.code, connected.output).toBe(0);
      expect(connected.output).toMatch(/connected Team \(LOCAL\) at .*team/);
      expect((await jarvis('list')).output).toMatch(/Team {2}LOCAL {2}CONNECTED/);

      const imported = await jarvis('import', 'Team', 'clips', '--types', 'video');
      expect(imported.code, imported.output).toBe(0);
      expect(imported.output).toMatch(/import\s+\[█+\] 100% {2}1\/1 files {2}293\.0 KiB\/293\.0 KiB/);
      expect(imported.output).toMatch(
        /imported {2}clips\/shot\.mp4 {2}→ {2}drives\/Team\/clips\/shot\.mp4 v1/,
      );
      const again = await jarvis('import', 'Team', 'clips', '--types', 'video');
      expect(again.output).toMatch(/unchanged {2}clips\/shot\.mp4/);

      const artifactId = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ artifactByName(name: "drives/Team/clips/shot.mp4") { id } }' }),
      }).then(
        async (r) =>
          ((await r.json()) as { data: { artifactByName: { id: string } } }).data.artifactByName.id,
      );
      const exported = await jarvis('export', 'Team', 'highlights', artifactId, '--share-link');
      expect(exported.output).toMatch(
        /exported {2}drives\/Team\/clips\/shot\.mp4 v1 {2}→ {2}highlights\/shot\.mp4/,
      );
      expect(readFileSync(path.join(team, 'highlights', 'shot.mp4')).length).toBe(300_000);
      // A local folder has no sharing: said plainly, exit 2, no stack.
      expect(exported.code).toBe(2);
      expect(exported.output).toContain('BAD_USER_INPUT: a local folder cannot be shared by Jarvis');
      expect(exported.output).not.toMatch(/\n\s+at /);

      const unknown = await jarvis('import', 'Nope', 'clips');
      expect(unknown.code).toBe(2);
      expect(unknown.output).toContain('NOT_FOUND: no drive "Nope" of yours in this project; yours: Team');
    } finally {
      dev.child.kill('SIGTERM');
      await dev.exited;
    }
  });

  it('`jarvis serve drives` imports through storage started beside it (not served), behind `jarvis serve router`', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-cli-serve-drives-'));
    dirs.push(dir);
    const media = path.join(dir, 'media');
    mkdirSync(media);
    writeFileSync(path.join(media, 'clip.mp4'), Buffer.alloc(100_000, 9));
    const [drivesPort, routerPort] = [await freePort(), await freePort()];
    writeFileSync(
      path.join(dir, 'drives.yaml'),
      `home: ${path.join(dir, 'home')}\nserver: { host: 127.0.0.1, port: ${drivesPort} }\nservices:\n  drives:\n    local_roots: [${dir}]\n`,
    );
    writeFileSync(
      path.join(dir, 'router.yaml'),
      `home: ${path.join(dir, 'home')}\nserver:\n  host: 127.0.0.1\n  port: ${routerPort}\n  subgraphs:\n    drives: http://127.0.0.1:${drivesPort}/graphql\nlog: { level: warn }\n`,
    );
    const drives = runJarvis(['serve', 'drives', '-c', path.join(dir, 'drives.yaml')]);
    const router = runJarvis(['serve', 'router', '-c', path.join(dir, 'router.yaml')]);
    try {
      await drives.waitFor(/subgraph ready/, 120_000);
      const url = `http://127.0.0.1:${routerPort}`;
      const q = async <T>(query: string, variables: Record<string, unknown> = {}) =>
        (await (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query, variables }),
          })
        ).json()) as { data?: T; errors?: unknown[] };
      await waitFor(
        'the router',
        async () => (await q('{ __typename }').catch(() => ({ errors: [1] }))).errors === undefined,
      );
      const connected = await q<{ connectLocalDrive: { id: string } }>(
        'mutation($p: String!) { connectLocalDrive(name: "media", path: $p) { id } }',
        { p: media },
      );
      expect(connected.errors).toBeUndefined();
      const started = await q<{ importFromDrive: { id: string } }>(
        'mutation($d: ID!) { importFromDrive(driveId: $d, paths: ["clip.mp4"]) { id } }',
        { d: connected.data!.connectLocalDrive.id },
      );
      expect(started.errors).toBeUndefined();
      let done: { status: string; error: string | null; files: { outcome: string }[] } | undefined;
      await waitFor('the import to end', async () => {
        done = (
          await q<{ driveTransfer: NonNullable<typeof done> }>(
            'query($id: ID!) { driveTransfer(id: $id) { status error files { outcome } } }',
            { id: started.data!.importFromDrive.id },
          )
        ).data!.driveTransfer;
        return !['PENDING', 'RUNNING'].includes(done.status);
      });
      expect(done).toEqual({ status: 'SUCCEEDED', error: null, files: [{ outcome: 'MOVED' }] });
    } finally {
      router.child.kill('SIGTERM');
      drives.child.kill('SIGTERM');
      expect(await router.exited).toBe(0);
      expect(await drives.exited).toBe(0);
    }
  });
});
