import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../src/index.ts';

/** The ModelRegistry contract, run against every implementation. */
export function modelRegistryContract(
  name: string,
  open: () => Promise<{ registry: ModelRegistry; close(): Promise<void> }>,
) {
  describe(`ModelRegistry contract: ${name}`, () => {
    let registry: ModelRegistry;
    let close: () => Promise<void>;
    const project = 'default';
    let n = 0;
    const unique = (base: string) => `${base}-${process.pid}-${n++}`;
    beforeAll(async () => {
      ({ registry, close } = await open());
    });
    afterAll(() => close());

    it('registers models and numbered versions; aliases move, versions are never renumbered', async () => {
      const name = unique('player-detector');
      const model = await registry.createRegisteredModel(project, {
        name,
        description: 'YOLO player detector',
        tags: { task: 'detection' },
      });
      expect(model).toMatchObject({ name, description: 'YOLO player detector', tags: { task: 'detection' } });
      expect(model.latestVersion).toBeNull();
      await expect(registry.createRegisteredModel(project, { name })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT', reason: 'ALREADY_EXISTS' },
      });

      const v1 = await registry.createModelVersion(project, {
        name,
        source: 's3://models/player-detector/1',
        runId: 'a'.repeat(32),
        tags: { dataset: 'v1' },
      });
      const v2 = await registry.createModelVersion(project, {
        name,
        source: 'jarvis://artifacts/abc',
        artifactId: 'abc',
      });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1).toMatchObject({
        status: 'READY',
        runId: 'a'.repeat(32),
        tags: { dataset: 'v1' },
        aliases: [],
      });
      expect(v2).toMatchObject({ artifactId: 'abc', runId: null });

      await registry.setAlias(project, name, 'champion', 1);
      expect((await registry.versionByAlias(project, name, 'champion'))?.version).toBe(1);
      await registry.setAlias(project, name, 'champion', 2);
      expect((await registry.versionByAlias(project, name, 'champion'))?.version).toBe(2);
      expect((await registry.getModelVersion(project, name, 2))?.aliases).toEqual(['champion']);
      expect((await registry.getRegisteredModel(project, name))?.aliases).toEqual({ champion: 2 });
      await expect(registry.setAlias(project, name, 'latest', 1)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
      await expect(registry.setAlias(project, name, 'staging', 9)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });

      // Deleting a version takes its aliases; its number is not given out again.
      await registry.deleteModelVersion(project, name, 2);
      expect(await registry.versionByAlias(project, name, 'champion')).toBeUndefined();
      const v3 = await registry.createModelVersion(project, {
        name,
        source: 's3://models/player-detector/3',
      });
      expect(v3.version).toBe(3);
      expect((await registry.getRegisteredModel(project, name))?.latestVersion).toBe(3);

      await registry.setAlias(project, name, 'prod', 3);
      await registry.deleteAlias(project, name, 'prod');
      await expect(registry.deleteAlias(project, name, 'prod')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(
        registry.createModelVersion(project, { name: unique('missing'), source: 's3://models/x' }),
      ).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });

    it('renames with versions, tags and aliases following; deletes everything of a model', async () => {
      const name = unique('classifier');
      await registry.createRegisteredModel(project, { name });
      await registry.createModelVersion(project, { name, source: 's3://models/classifier/1' });
      await registry.setAlias(project, name, 'champion', 1);
      await registry.setModelVersionTag(project, name, 1, 'validated', 'yes');
      await registry.setRegisteredModelTag(project, name, 'team', 'vision');
      const renamed = unique('classifier-v2');
      const model = await registry.renameRegisteredModel(project, name, renamed);
      expect(model).toMatchObject({ name: renamed, aliases: { champion: 1 }, tags: { team: 'vision' } });
      expect(await registry.getRegisteredModel(project, name)).toBeUndefined();
      expect(await registry.versionByAlias(project, renamed, 'champion')).toMatchObject({
        name: renamed,
        version: 1,
        tags: { validated: 'yes' },
      });
      await registry.deleteModelVersionTag(project, renamed, 1, 'validated');
      await registry.deleteRegisteredModelTag(project, renamed, 'team');
      expect((await registry.getModelVersion(project, renamed, 1))?.tags).toEqual({});
      expect((await registry.updateModelVersion(project, renamed, 1, 'first')).description).toBe('first');
      expect((await registry.updateRegisteredModel(project, renamed, 'better')).description).toBe('better');
      await registry.deleteRegisteredModel(project, renamed);
      expect(await registry.getModelVersion(project, renamed, 1)).toBeUndefined();
      await expect(registry.deleteRegisteredModel(project, renamed)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });

    it('searches models and versions with MLflow filters, in pages, within the project', async () => {
      const prefix = unique('search');
      for (const i of [0, 1, 2]) {
        await registry.createRegisteredModel(project, {
          name: `${prefix}-${i}`,
          tags: { team: i ? 'vision' : 'nlp' },
        });
        await registry.createModelVersion(project, {
          name: `${prefix}-${i}`,
          source: `s3://models/search/${i}`,
          runId: `run${i % 2}`,
        });
      }
      await registry.createModelVersion(project, {
        name: `${prefix}-1`,
        source: 's3://models/search/1b',
        runId: 'run1',
      });
      const page1 = await registry.searchRegisteredModels(project, {
        filter: `name LIKE '${prefix}-%' and tags.team = 'vision'`,
        maxResults: 1,
      });
      expect(page1.items.map((m) => m.name)).toEqual([`${prefix}-1`]);
      expect(page1.totalCount).toBe(2);
      const page2 = await registry.searchRegisteredModels(project, {
        filter: `name LIKE '${prefix}-%' and tags.team = 'vision'`,
        maxResults: 1,
        pageToken: page1.nextPageToken!,
      });
      expect(page2.items.map((m) => m.name)).toEqual([`${prefix}-2`]);
      expect(page2.nextPageToken).toBeUndefined();
      const versions = await registry.searchModelVersions(project, {
        filter: `name = '${prefix}-1' and run_id = 'run1'`,
        maxResults: 10,
      });
      expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
      await expect(
        registry.searchRegisteredModels(project, { filter: 'name LIKE', maxResults: 10 }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', position: 9 } });
      expect(
        (
          await registry.searchRegisteredModels('another-project', {
            filter: `name LIKE '${prefix}%'`,
            maxResults: 10,
          })
        ).items,
      ).toEqual([]);
    });

    it('an idempotency key creates one version however often it is retried', async () => {
      const name = unique('retried');
      await registry.createRegisteredModel(project, { name });
      const key = unique('key');
      const a = await registry.createModelVersion(project, {
        name,
        source: 's3://models/retried',
        idempotencyKey: key,
      });
      const b = await registry.createModelVersion(project, {
        name,
        source: 's3://models/retried',
        idempotencyKey: key,
      });
      expect(b.version).toBe(a.version);
      await expect(
        registry.createModelVersion(project, { name, source: 's3://models/other', idempotencyKey: key }),
      ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
      expect((await registry.getRegisteredModel(project, name))?.latestVersion).toBe(1);
    });
  });
}
