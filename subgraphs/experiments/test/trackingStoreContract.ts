import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downsample } from '../src/downsample.ts';
import type { TrackingStore } from '../src/index.ts';

/** The TrackingStore contract: the same behaviour from the native store and from an MLflow server. */
export function trackingStoreContract(
  name: string,
  open: () => Promise<{ store: TrackingStore; close(): Promise<void> }>,
) {
  describe(`TrackingStore contract: ${name}`, () => {
    let store: TrackingStore;
    let close: () => Promise<void>;
    const project = 'default';
    let n = 0;
    const unique = (base: string) => `${base}-${process.pid}-${n++}`;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(() => close());

    it('creates, finds, renames, deletes and restores experiments', async () => {
      const name = unique('hockey-role-classification');
      const id = await store.createExperiment(project, name, { team: 'vision' });
      const byId = await store.getExperiment(project, id);
      expect(byId).toMatchObject({ id, name, lifecycleStage: 'active', tags: { team: 'vision' } });
      expect((await store.getExperimentByName(project, name))?.id).toBe(id);
      await expect(store.createExperiment(project, name)).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      const renamed = unique('renamed');
      await store.renameExperiment(project, id, renamed);
      expect((await store.getExperiment(project, id))?.name).toBe(renamed);
      await store.setExperimentDeleted(project, id, true);
      expect((await store.getExperiment(project, id))?.lifecycleStage).toBe('deleted');
      await store.setExperimentDeleted(project, id, false);
      expect((await store.getExperiment(project, id))?.lifecycleStage).toBe('active');
      expect(await store.getExperiment(project, '999999999')).toBeUndefined();
    });

    it('lists experiments by name and tag, newest first, in pages; tags experiments and deletes run tags', async () => {
      const prefix = unique('listing');
      const ids: string[] = [];
      for (const i of [0, 1, 2]) {
        ids.push(
          await store.createExperiment(project, `${prefix}-${i}`, { team: i === 1 ? 'nlp' : 'vision' }),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await store.setExperimentTag(project, ids[2]!, 'owner', 'ana');
      await store.setExperimentTag(project, ids[2]!, 'draft', 'yes');
      await store.deleteExperimentTag(project, ids[2]!, 'draft');
      await expect(store.deleteExperimentTag(project, ids[2]!, 'draft')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await store.setExperimentDeleted(project, ids[0]!, true);
      const names = (page: { experiments: { name: string }[] }) => page.experiments.map((e) => e.name);
      const active = await store.searchExperiments(project, {
        filter: `name LIKE '${prefix}-%'`,
        maxResults: 10,
      });
      expect(names(active)).toEqual([`${prefix}-2`, `${prefix}-1`]);
      expect(active.experiments[0]!.tags).toEqual({ team: 'vision', owner: 'ana' });
      const vision = await store.searchExperiments(project, {
        filter: `name LIKE '${prefix}%' and tags.team = 'vision'`,
        view: 'ALL',
        maxResults: 1,
      });
      expect(names(vision)).toEqual([`${prefix}-2`]);
      expect(await vision.count()).toBe(2);
      const rest = await store.searchExperiments(project, {
        filter: `name LIKE '${prefix}%' and tags.team = 'vision'`,
        view: 'ALL',
        maxResults: 1,
        pageToken: vision.nextPageToken!,
      });
      expect(names(rest)).toEqual([`${prefix}-0`]);
      const deleted = await store.searchExperiments(project, {
        filter: `name LIKE '${prefix}%'`,
        view: 'DELETED_ONLY',
        maxResults: 10,
      });
      expect(names(deleted)).toEqual([`${prefix}-0`]);
      expect(
        (
          await store.searchExperiments('another-project', {
            filter: `name LIKE '${prefix}%'`,
            maxResults: 10,
          })
        ).experiments,
      ).toEqual([]);

      const run = await store.createRun(project, { experimentId: ids[1]!, tags: { stage: 'train' } });
      await store.deleteRunTag(project, run.id, 'stage');
      expect((await store.getRun(project, run.id))!.tags.stage).toBeUndefined();
      await expect(store.deleteRunTag(project, run.id, 'stage')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });

    it('runs log metrics with steps, params and tags; history keeps every point, latest follows step', async () => {
      const experimentId = await store.createExperiment(project, unique('training'));
      const run = await store.createRun(project, {
        experimentId,
        name: 'resnet-50',
        tags: { component: 'toolchain' },
      });
      expect(run).toMatchObject({
        experimentId,
        name: 'resnet-50',
        status: 'RUNNING',
        lifecycleStage: 'active',
      });
      expect(run.id).toMatch(/^[0-9a-f]{32}$/);
      const t0 = Date.now();
      await store.logBatch(project, run.id, {
        metrics: [
          { key: 'loss', value: 0.9, timestamp: t0, step: 0 },
          { key: 'loss', value: 0.5, timestamp: t0 + 1, step: 1 },
          { key: 'acc', value: 0.7, timestamp: t0, step: 1 },
        ],
        params: [
          { key: 'lr', value: '0.01' },
          { key: 'batch_size', value: '32' },
        ],
        tags: [{ key: 'stage', value: 'train' }],
      });
      // A late point for an earlier step does not become the latest value.
      await store.logBatch(project, run.id, {
        metrics: [{ key: 'loss', value: 0.7, timestamp: t0 + 5, step: 0 }],
      });
      const got = (await store.getRun(project, run.id))!;
      expect(got.params).toEqual({ lr: '0.01', batch_size: '32' });
      expect(got.tags).toMatchObject({ component: 'toolchain', stage: 'train' });
      expect(Object.fromEntries(got.metrics.map((m) => [m.key, m.value]))).toEqual({ loss: 0.5, acc: 0.7 });
      const history = await store.metricHistory(project, run.id, 'loss');
      expect(history.map((h) => [h.step, h.value]).sort()).toEqual([
        [0, 0.7],
        [0, 0.9],
        [1, 0.5],
      ]);

      const finished = await store.updateRun(project, run.id, { status: 'FINISHED', endTime: t0 + 100 });
      expect(finished).toMatchObject({ status: 'FINISHED', endTime: t0 + 100 });
    });

    it('rejects a bad batch whole: nothing of it is logged', async () => {
      const experimentId = await store.createExperiment(project, unique('atomic'));
      const run = await store.createRun(project, { experimentId });
      await store.logBatch(project, run.id, { params: [{ key: 'lr', value: '0.01' }] });
      const before = await store.getRun(project, run.id);
      await expect(
        store.logBatch(project, run.id, {
          metrics: [{ key: 'acc', value: 0.9, timestamp: Date.now(), step: 0 }],
          params: [{ key: 'lr', value: '0.02' }],
        }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      await expect(
        store.logBatch(project, run.id, {
          metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i })),
        }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      await expect(
        store.logBatch(project, run.id, { params: [{ key: 'big', value: 'x'.repeat(6001) }] }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(await store.getRun(project, run.id)).toEqual(before);
      expect(await store.metricHistory(project, run.id, 'acc')).toEqual([]);
      // The same value again is fine.
      await store.logBatch(project, run.id, { params: [{ key: 'lr', value: '0.01' }] });
    });

    it('a retried batch with the same idempotency key is logged once', async () => {
      const experimentId = await store.createExperiment(project, unique('retries'));
      const run = await store.createRun(project, { experimentId });
      const other = await store.createRun(project, { experimentId });
      const batch = { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }] };
      await store.logBatch(project, run.id, batch, `k-${run.id}`);
      await store.logBatch(project, run.id, batch, `k-${run.id}`);
      expect(await store.metricHistory(project, run.id, 'loss')).toHaveLength(1);
      await expect(store.logBatch(project, other.id, batch, `k-${run.id}`)).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      expect(await store.metricHistory(project, other.id, 'loss')).toEqual([]);
    });

    it('takes a larger batch when the caller allows it (logMetrics), whole and once', async () => {
      const experimentId = await store.createExperiment(project, unique('series'));
      const run = await store.createRun(project, { experimentId });
      const points = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          key: 'loss',
          value: 1 / (i + 1),
          timestamp: 1_000 + i,
          step: i,
        }));
      await store.logBatch(project, run.id, { metrics: points(2_500) }, `series-${run.id}`, 10_000);
      await store.logBatch(project, run.id, { metrics: points(2_500) }, `series-${run.id}`, 10_000);
      const history = await store.metricHistory(project, run.id, 'loss');
      expect(history).toHaveLength(2_500);
      expect(new Set(history.map((h) => h.step)).size).toBe(2_500);
      expect((await store.getRun(project, run.id))!.metrics).toEqual([
        expect.objectContaining({ key: 'loss', value: 1 / 2_500, step: 2_499 }),
      ]);
      await expect(
        store.logBatch(project, run.id, { metrics: points(10_001) }, undefined, 10_000),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    });

    it('downsamples a long history to maxPoints exactly as downsample() does: spikes, dips, NaN, the last point', async () => {
      const experimentId = await store.createExperiment(project, unique('downsampled'));
      const run = await store.createRun(project, { experimentId });
      // 3,000 points, deterministic noise, a spike and a dip, NaN here and there: one at a
      // bucket's start and a whole bucket of NaN (buckets of 30 points for maxPoints 300).
      let seed = 7;
      const noise = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const values = Array.from({ length: 3_000 }, (_, i) => 1 / (i + 1) + noise() * 0.01);
      values[1_234] = 40;
      values[2_222] = -7;
      values[600] = Number.NaN;
      values[1_505] = Number.NaN;
      for (let i = 900; i < 930; i++) values[i] = Number.NaN;
      values[50] = values[51]!; // equals: the first wins
      const metrics = values.map((value, step) => ({ key: 'loss', value, timestamp: 1_000 + step, step }));
      await store.logBatch(project, run.id, { metrics }, undefined, 10_000);
      const full = await store.metricHistory(project, run.id, 'loss');
      expect(full).toHaveLength(3_000);
      for (const maxPoints of [300, 1_000, 2_999, 3_000, 5_000]) {
        const thinned = await store.metricHistory(project, run.id, 'loss', maxPoints);
        expect(thinned, `maxPoints ${maxPoints}`).toEqual(downsample(full, maxPoints));
      }
      const chart = await store.metricHistory(project, run.id, 'loss', 300);
      expect(chart.length).toBeLessThanOrEqual(300);
      expect(chart.some((p) => p.value === 40)).toBe(true);
      expect(chart.some((p) => p.value === -7)).toBe(true);
      expect(chart.at(-1)!.step).toBe(2_999);
    });

    it('keeps NaN, and stores infinities as MLflow does (the largest double)', async () => {
      const experimentId = await store.createExperiment(project, unique('nan'));
      const run = await store.createRun(project, { experimentId });
      await store.logBatch(project, run.id, {
        metrics: [
          { key: 'loss', value: Number.NaN, timestamp: 1, step: 0 },
          { key: 'grad', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'neg', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
        ],
      });
      const values = Object.fromEntries(
        (await store.getRun(project, run.id))!.metrics.map((m) => [m.key, m.value]),
      );
      expect(values.loss).toBeNaN();
      expect(values.grad).toBe(Number.MAX_VALUE);
      expect(values.neg).toBe(-Number.MAX_VALUE);
    });

    it('searches runs with MLflow filters, ordering and pages', async () => {
      const experimentId = await store.createExperiment(project, unique('search'));
      const other = await store.createExperiment(project, unique('search-other'));
      for (const [i, acc] of [0.5, 0.9, 0.7, 0.95, 0.8].entries()) {
        const run = await store.createRun(project, {
          experimentId,
          name: `run-${i}`,
          startTime: 1_700_000_000_000 + i,
        });
        await store.logBatch(project, run.id, {
          metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }],
          params: [{ key: 'lr', value: i % 2 ? '0.01' : '0.1' }],
          tags: [{ key: 'component', value: i < 3 ? 'toolchain' : 'spotlight' }],
        });
        if (i === 4)
          await store.updateRun(project, run.id, { status: 'FINISHED', endTime: 1_700_000_001_000 });
      }
      const noise = await store.createRun(project, { experimentId: other, name: 'elsewhere' });
      await store.logBatch(project, noise.id, {
        metrics: [{ key: 'acc', value: 0.99, timestamp: 1, step: 0 }],
      });
      const names = (page: { runs: { name: string }[] }) => page.runs.map((r) => r.name);

      const filtered = await store.searchRuns(project, {
        experimentIds: [experimentId],
        filter: "metrics.acc > 0.75 and params.lr = '0.01'",
        orderBy: ['metrics.acc DESC'],
        maxResults: 10,
      });
      expect(names(filtered)).toEqual(['run-3', 'run-1']);
      // The count is of every match, not of the page.
      expect(await filtered.count()).toBe(2);
      const tagged = await store.searchRuns(project, {
        experimentIds: [experimentId],
        filter: "tags.component LIKE 'tool%' and metrics.acc >= 0.7",
        orderBy: ['metrics.acc ASC'],
        maxResults: 10,
      });
      expect(names(tagged)).toEqual(['run-2', 'run-1']);
      const finished = await store.searchRuns(project, {
        experimentIds: [experimentId, other],
        filter: "attributes.status = 'FINISHED'",
        maxResults: 10,
      });
      expect(names(finished)).toEqual(['run-4']);

      // Default order is newest first; pages do not overlap and cover everything.
      const first = await store.searchRuns(project, { experimentIds: [experimentId], maxResults: 2 });
      expect(names(first)).toEqual(['run-4', 'run-3']);
      expect(first.nextPageToken).toBeTruthy();
      expect(await first.count()).toBe(5);
      const second = await store.searchRuns(project, {
        experimentIds: [experimentId],
        maxResults: 2,
        pageToken: first.nextPageToken,
      });
      const third = await store.searchRuns(project, {
        experimentIds: [experimentId],
        maxResults: 2,
        pageToken: second.nextPageToken,
      });
      expect([...names(first), ...names(second), ...names(third)]).toEqual([
        'run-4',
        'run-3',
        'run-2',
        'run-1',
        'run-0',
      ]);
      expect(third.nextPageToken).toBeUndefined();

      await expect(
        store.searchRuns(project, {
          experimentIds: [experimentId],
          filter: 'metrics.acc ~ 1',
          maxResults: 10,
        }),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', position: 12 } });
      expect(
        (await store.searchRuns('another-project', { experimentIds: [experimentId], maxResults: 10 })).runs,
      ).toEqual([]);
    });

    it('refuses logging to a deleted or finished run, and unknown ids', async () => {
      const experimentId = await store.createExperiment(project, unique('closed'));
      const deleted = await store.createRun(project, { experimentId });
      await store.setRunDeleted(project, deleted.id, true);
      await expect(
        store.logBatch(project, deleted.id, { tags: [{ key: 'a', value: 'b' }] }),
      ).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      const done = await store.createRun(project, { experimentId });
      await store.updateRun(project, done.id, { status: 'FINISHED', endTime: Date.now() });
      await expect(
        store.logBatch(project, done.id, { tags: [{ key: 'a', value: 'b' }] }),
      ).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      await expect(
        store.logBatch(project, 'f'.repeat(32), { tags: [{ key: 'a', value: 'b' }] }),
      ).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(store.createRun(project, { experimentId: '987654321' })).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      expect(await store.getRun(project, 'nope')).toBeUndefined();
    });
  });
}
