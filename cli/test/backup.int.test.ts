import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, startMinio, testJarvis } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';
import { sha256, uploadArtifact } from '../../subgraphs/storage/test/storageApi.ts';
import { openBackupTarget } from '../src/backup/backupTarget.ts';
import { runBackup } from '../src/backup/runBackup.ts';
import { runRestore } from '../src/backup/runRestore.ts';

type Jarvis = Awaited<ReturnType<typeof testJarvis>>;

async function seed(jarvis: Jarvis) {
  const model = randomBytes(3 * 1024 * 1024 + 17);
  const log = Buffer.from('epoch 1 loss 0.5\n'.repeat(5000));
  const m = await uploadArtifact(jarvis.router.fetch, model, {
    name: 'hockey/model.pt',
    kind: 'MODEL',
    runId: 'r1',
  });
  await uploadArtifact(jarvis.router.fetch, log, {
    name: 'hockey/train.log',
    kind: 'LOG',
    derivedFrom: [m.id],
  });
  await gql(
    jarvis.router.fetch,
    'mutation { setSetting(component: "toolchain", key: "epochs", value: 40) { version } }',
  );
  await gql(
    jarvis.router.fetch,
    'mutation { setSetting(component: "toolchain", key: "epochs", value: 41) { version } }',
  );
  await gql(
    jarvis.router.fetch,
    'mutation { setArtifactAlias(name: "hockey/model.pt", alias: "production", version: 1) { version } }',
  );
  return { model, log };
}

async function expectRestored(jarvis: Jarvis, content: { model: Buffer; log: Buffer }) {
  const res = await gql<{
    artifactByName: { contentPath: string; derivatives: { name: string }[] };
    log: { contentPath: string; compressed: boolean };
    setting: { value: number; history: { totalCount: number } };
  }>(
    jarvis.router.fetch,
    `{ artifactByName(name: "hockey/model.pt", alias: "production") { contentPath derivatives { name } }
       log: artifactByName(name: "hockey/train.log") { contentPath compressed }
       setting(component: "toolchain", key: "epochs") { value history { totalCount } } }`,
  );
  expect(res.errors).toBeUndefined();
  const { artifactByName, log, setting } = res.data!;
  expect(artifactByName.derivatives).toEqual([{ name: 'hockey/train.log' }]);
  expect(log.compressed).toBe(true);
  expect(setting).toEqual({ value: 41, history: { totalCount: 2 } });
  const bytes = async (p: string) =>
    Buffer.from(await (await jarvis.router.fetch(new Request(`http://j${p}`))).arrayBuffer());
  expect(sha256(await bytes(artifactByName.contentPath))).toBe(sha256(content.model));
  expect((await bytes(log.contentPath)).equals(content.log)).toBe(true);
  // Identity columns carry on after the restored rows.
  const next = await gql<{ setSetting: { version: number } }>(
    jarvis.router.fetch,
    'mutation { setSetting(component: "toolchain", key: "epochs", value: 42) { version } }',
  );
  expect(next.data!.setSetting.version).toBe(3);
}

const quiet = () => {};

/** Restores `where` into a Jarvis; `config` is whose S3 credentials reach an s3:// backup. */
function restoreInto(jarvis: Jarvis, where: string, config = jarvis.runtime.config) {
  return runRestore(jarvis.subgraphs, jarvis.runtime.db, openBackupTarget(where, config), quiet);
}

describe('jarvis backup and restore', () => {
  it('round-trips metadata and bytes through a folder; restoring twice is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-backup-'));
    try {
      await using source = await testJarvis();
      const content = await seed(source);
      const target = openBackupTarget(dir, source.runtime.config);
      const report = await runBackup(source.subgraphs, source.runtime.db, target, quiet);
      expect(report.files).toBe(2);
      expect(readdirSync(path.join(dir, 'files', 'storage')).sort()).toEqual(
        [sha256(content.log), sha256(content.model)].sort(),
      );

      await using restored = await testJarvis();
      await runRestore(
        restored.subgraphs,
        restored.runtime.db,
        openBackupTarget(dir, restored.runtime.config),
        quiet,
      );
      await expectRestored(restored, content);
      await expect(
        runRestore(
          restored.subgraphs,
          restored.runtime.db,
          openBackupTarget(dir, restored.runtime.config),
          quiet,
        ),
      ).rejects.toThrow(/restore needs an empty Jarvis: platform\.settings already has 1 rows/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged backup restores nothing and says which file is damaged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-backup-'));
    try {
      await using source = await testJarvis();
      const content = await seed(source);
      await runBackup(
        source.subgraphs,
        source.runtime.db,
        openBackupTarget(dir, source.runtime.config),
        quiet,
      );
      const file = path.join(dir, 'files', 'storage', sha256(content.model));
      const bytes = readFileSync(file);
      bytes[1000] = bytes[1000]! ^ 0xff;
      writeFileSync(file, bytes);

      await using restored = await testJarvis();
      await expect(
        runRestore(
          restored.subgraphs,
          restored.runtime.db,
          openBackupTarget(dir, restored.runtime.config),
          quiet,
        ),
      ).rejects.toThrow(new RegExp(`blob ${sha256(content.model)} in the backup is damaged`));
      const after = await gql<{ artifacts: { totalCount: number }; setting: unknown }>(
        restored.router.fetch,
        '{ artifacts { totalCount } setting(component: "toolchain", key: "epochs") { value } }',
      );
      expect(after.data).toEqual({ artifacts: { totalCount: 0 }, setting: null });

      rmSync(path.join(dir, 'manifest.json'));
      await expect(
        runRestore(
          restored.subgraphs,
          restored.runtime.db,
          openBackupTarget(dir, restored.runtime.config),
          quiet,
        ),
      ).rejects.toThrow(/no manifest\.json: not a Jarvis backup, or one that did not finish/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backs up a MinIO-backed Jarvis to s3:// and restores it onto the local store', async () => {
    await using minio = await startMinio();
    const storage = {
      type: 's3' as const,
      endpoint: minio.endpoint,
      access_key: minio.accessKey,
      secret_key: minio.secretKey,
    };
    await using source = await testJarvis({ services: { storage } });
    const content = await seed(source);
    await runBackup(
      source.subgraphs,
      source.runtime.db,
      openBackupTarget('s3://jarvis-backups/nightly/1', source.runtime.config),
      quiet,
    );

    await using restored = await testJarvis();
    // Reading s3:// needs the S3 server's credentials: take them from the source's config.
    await restoreInto(restored, 's3://jarvis-backups/nightly/1', source.runtime.config);
    await expectRestored(restored, content);
    expect(() => openBackupTarget('s3://b/p', restored.runtime.config)).toThrow(
      /services\.storage, which is not of type s3/,
    );
  });

  it('a backup taken while uploads complete restores every artifact it lists, each with its bytes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-backup-live-'));
    try {
      await using source = await testJarvis();
      await seed(source);
      const sent = new Map<string, string>();
      let backingUp = true;
      // Three components uploading the whole time the backup runs, one upload left half done.
      const uploader = async (lane: number) => {
        for (let i = 0; backingUp; i++) {
          const bytes = randomBytes(20_000 + lane * 1_000 + i);
          const name = `live/${lane}/${i}`;
          sent.set(name, sha256(bytes));
          await uploadArtifact(source.router.fetch, bytes, { name, kind: 'DATASET' });
        }
      };
      const pending = await gql(
        source.router.fetch,
        'mutation { createArtifactUpload(input: { name: "live/pending", kind: OTHER, size: 10, sha256: "' +
          sha256(Buffer.alloc(10)) +
          '" }) { id } }',
      );
      expect(pending.errors).toBeUndefined();
      const lanes = [0, 1, 2].map(uploader);
      // Let the uploads get going, then back up in the middle of them.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const report = await runBackup(
        source.subgraphs,
        source.runtime.db,
        openBackupTarget(dir, source.runtime.config),
        quiet,
      );
      backingUp = false;
      await Promise.all(lanes);

      await using restored = await testJarvis();
      await restoreInto(restored, dir);
      const listed = await gql<{
        artifacts: { edges: { node: { name: string; sha256: string; contentPath: string } }[] };
      }>(restored.router.fetch, '{ artifacts(first: 500) { edges { node { name sha256 contentPath } } } }');
      expect(listed.errors).toBeUndefined();
      const live = listed.data!.artifacts.edges.map((e) => e.node).filter((n) => n.name.startsWith('live/'));
      // Some uploads finished before the snapshot and are in it; the half-done one is not an artifact.
      expect(live.length).toBeGreaterThan(0);
      expect(live.map((n) => n.name)).not.toContain('live/pending');
      for (const node of live) {
        const response = await restored.router.fetch(new Request(`http://j${node.contentPath}`));
        expect(response.status, `${node.name} has no bytes in the restored Jarvis`).toBe(200);
        expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sent.get(node.name));
      }
      expect(report.files).toBeGreaterThanOrEqual(live.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
