import type { Database } from '@jarvis/db';
import { databaseBackends } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactSpec } from '../src/records.ts';
import type { ArtifactStore } from '../src/store/artifactStore.ts';
import { storageMigrations } from '../src/store/migrations.ts';
import { sqlArtifactStore } from '../src/store/sqlArtifactStore.ts';

const spec = (name: string): ArtifactSpec => ({
  projectId: 'p',
  name,
  kind: 'OTHER',
  contentType: 'application/octet-stream',
  metadata: {},
  tags: [],
  component: null,
  runId: null,
  workflowRunId: null,
  derivedFrom: [],
  createdBy: 'u',
});

const blob = (sha256: string) => ({ sha256, size: 10, storedSize: 10, encoding: 'identity' as const });

for (const backend of databaseBackends()) {
  describe(`artifact store on ${backend.name}`, () => {
    let db: Database;
    let store: ArtifactStore;
    beforeAll(async () => {
      db = await backend.open();
      await db.migrate('storage', storageMigrations);
      store = sqlArtifactStore(db);
    });
    afterAll(async () => {
      await db.close();
      await backend.close();
    });

    it('a commit of a digest waits for garbage collection removing it, then keeps its own bytes', async () => {
      const digest = 'a'.repeat(64);
      const old = await store.commitArtifact(spec('old'), blob(digest), async () => 'old-key');
      await store.setDeleted('p', old!.artifact.id, true);
      await store.purgeDeleted(new Date(Date.now() + 60_000));

      let gcInside!: () => void;
      const gcEntered = new Promise<void>((r) => (gcInside = r));
      let releaseGc!: () => void;
      const gcMayFinish = new Promise<void>((r) => (releaseGc = r));
      const removed: string[] = [];
      // GC pauses inside its transaction, after deleting the row, while "removing the bytes".
      const gc = store.deleteUnreferencedBlobs(async (key) => {
        removed.push(key);
        gcInside();
        await gcMayFinish;
      });
      await gcEntered;

      let promoted = false;
      const commit = store.commitArtifact(spec('new'), blob(digest), async () => {
        promoted = true;
        return 'new-key';
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(promoted, 'the commit must wait for the digest lock GC holds').toBe(false);

      releaseGc();
      expect(await gc).toEqual({ deletedBlobs: 1, freedBytes: 10 });
      const committed = await commit;
      expect(removed).toEqual(['old-key']);
      expect(promoted).toBe(true);
      expect(committed!.reused).toBe(false);
      expect(committed!.artifact.blobKey).toBe('new-key');
      expect((await store.blobs()).map((b) => b.key)).toEqual(['new-key']);
    });

    it('versions of one name are numbered without gaps or repeats under concurrent commits', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.commitArtifact(spec('concurrent'), blob(String(i).padStart(64, 'b')), async () => `k${i}`),
        ),
      );
      expect(results.map((r) => r!.artifact.version).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
    });
  });
}
