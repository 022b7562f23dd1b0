import type { Database } from '@jarvis/db';
import { databaseBackends } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformMigrations, type SettingsStore, sqlSettingsStore } from '../src/index.ts';

// The settings store contract, on PGlite and on a PostgreSQL server: same SQL, same answers.
for (const backend of databaseBackends()) {
  describe(`SettingsStore on ${backend.name}`, () => {
    let db: Database;
    let store: SettingsStore;
    beforeAll(async () => {
      db = await backend.open();
      await db.migrate('platform', platformMigrations);
      store = sqlSettingsStore(db);
    });
    afterAll(async () => {
      await db.close();
      await backend.close();
    });

    it('stores any JSON value and versions every change, with history newest first', async () => {
      const v1 = await store.set({
        projectId: 'p',
        component: 'toolchain',
        key: 'aug',
        value: { flip: true, scales: [0.5, 1] },
        actor: 'ana',
      });
      expect(v1).toMatchObject({ version: 1, value: { flip: true, scales: [0.5, 1] }, updatedBy: 'ana' });
      expect(v1.updatedAt).toBeInstanceOf(Date);
      const v2 = await store.set({
        projectId: 'p',
        component: 'toolchain',
        key: 'aug',
        value: null,
        actor: 'bo',
      });
      expect(v2).toMatchObject({ version: 2, value: null, updatedBy: 'bo' });
      const history = await store.history('p', 'toolchain', 'aug', 10);
      expect(history.totalCount).toBe(2);
      expect(history.rows.map((c) => [c.version, c.value, c.previousValue, c.changedBy])).toEqual([
        [2, null, { flip: true, scales: [0.5, 1] }, 'bo'],
        [1, { flip: true, scales: [0.5, 1] }, null, 'ana'],
      ]);
    });

    it('keeps projects apart', async () => {
      await store.set({ projectId: 'p1', component: 'c', key: 'k', value: 1, actor: 'a' });
      await store.set({ projectId: 'p2', component: 'c', key: 'k', value: 2, actor: 'a' });
      expect((await store.get('p1', 'c', 'k'))?.value).toBe(1);
      expect((await store.get('p2', 'c', 'k'))?.value).toBe(2);
      expect(await store.get('p3', 'c', 'k')).toBeUndefined();
    });

    it('pages by key with a total count', async () => {
      for (const key of ['b', 'a', 'd', 'c', 'e'])
        await store.set({ projectId: 'pg', component: 'spotlight', key, value: key, actor: 'a' });
      const page1 = await store.list('pg', 'spotlight', 2);
      expect(page1.rows.map((r) => r.key)).toEqual(['a', 'b']);
      expect(page1.totalCount).toBe(5);
      const page2 = await store.list('pg', 'spotlight', 10, 'b');
      expect(page2.rows.map((r) => r.key)).toEqual(['c', 'd', 'e']);
    });

    it('a repeated idempotency key changes nothing and returns the setting', async () => {
      const first = await store.set({
        projectId: 'pi',
        component: 'c',
        key: 'k',
        value: 'once',
        actor: 'a',
        idempotencyKey: 'retry-1',
      });
      const again = await store.set({
        projectId: 'pi',
        component: 'c',
        key: 'k',
        value: 'once',
        actor: 'a',
        idempotencyKey: 'retry-1',
      });
      expect(again.version).toBe(first.version);
      expect((await store.history('pi', 'c', 'k', 10)).totalCount).toBe(1);
      await expect(
        store.set({
          projectId: 'pi',
          component: 'c',
          key: 'other',
          value: 1,
          actor: 'a',
          idempotencyKey: 'retry-1',
        }),
      ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
      expect(await store.get('pi', 'c', 'other')).toBeUndefined();
    });

    it('delete keeps the history and versions carry on after re-creation', async () => {
      await store.set({ projectId: 'pd', component: 'c', key: 'k', value: 'x', actor: 'a' });
      expect(await store.delete('pd', 'c', 'k', 'b')).toBe(true);
      expect(await store.delete('pd', 'c', 'k', 'b')).toBe(false);
      expect(await store.get('pd', 'c', 'k')).toBeUndefined();
      const again = await store.set({ projectId: 'pd', component: 'c', key: 'k', value: 'y', actor: 'a' });
      expect(again.version).toBe(3);
      const history = await store.history('pd', 'c', 'k', 10);
      expect(history.rows.map((c) => [c.version, c.value, c.changedBy])).toEqual([
        [3, 'y', 'a'],
        [2, null, 'b'],
        [1, 'x', 'a'],
      ]);
    });

    it('concurrent writers each get their own version', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.set({ projectId: 'pc', component: 'c', key: 'k', value: i, actor: `w${i}` }),
        ),
      );
      const history = await store.history('pc', 'c', 'k', 20);
      expect(history.rows.map((c) => c.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await store.get('pc', 'c', 'k'))?.version).toBe(8);
    });
  });
}
