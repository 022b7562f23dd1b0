import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLiveRunMetrics } from '../src/index.ts';

const run = (id: string, experiment = 'hockey') => ({
  project: 'p1',
  experiment,
  run: id,
  runName: `name-${id}`,
});
const point = (key: string, value: number, step = 0, timestamp = 1) => ({ key, value, step, timestamp });

async function exposed(registry: Registry) {
  const metric = await registry.getSingleMetric('jarvis_run_metric_latest')!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.run} ${v.labels.key}`, v.value]));
}

describe('createLiveRunMetrics', () => {
  it('exports the latest value per run and key with its experiment and run name, by step as MLflow orders them', async () => {
    const registry = new Registry();
    const live = createLiveRunMetrics({ registry });
    live.record(run('a'), [point('loss', 0.9, 1), point('loss', 0.5, 3), point('loss', 0.7, 2)]);
    live.record(run('a'), [point('loss', 0.6, 2, 9), point('acc', 0.8, 3)]);
    expect(await exposed(registry)).toEqual({ 'a loss': 0.5, 'a acc': 0.8 });
    const text = await registry.metrics();
    expect(text).toContain(
      'jarvis_run_metric_latest{project="p1",experiment="hockey",run="a",run_name="name-a",key="loss"} 0.5',
    );
    live.record(run('a'), [point('loss', Number.NaN, 9)]);
    expect(await exposed(registry)).toEqual({ 'a loss': 0.5, 'a acc': 0.8 });
  });

  it('keeps at most maxSeries series: the runs that logged least recently leave first, and the drops are counted', async () => {
    const registry = new Registry();
    const live = createLiveRunMetrics({ registry, maxSeries: 3 });
    live.record(run('a'), [point('x', 1), point('y', 1)]);
    live.record(run('b'), [point('x', 2)]);
    live.record(run('a'), [point('x', 3)]); // a is now the most recent
    live.record(run('c'), [point('x', 4)]);
    expect(await exposed(registry)).toEqual({ 'a x': 3, 'a y': 1, 'c x': 4 });
    expect(live.labels('b')).toBeUndefined();
    // One run alone past the cap: it keeps what fits and the rest is dropped, not grown.
    live.record(run('d'), [point('k1', 1), point('k2', 2), point('k3', 3), point('k4', 4)]);
    expect(await exposed(registry)).toEqual({ 'd k1': 1, 'd k2': 2, 'd k3': 3 });
    expect(live.size()).toBe(3);
    const dropped = await registry.getSingleMetric('jarvis_run_metric_series_dropped_total')!.get();
    expect(dropped.values[0]!.value).toBe(1 + 3 + 1);
  });

  it('a run that ended stays for keepFinishedMs, so its last values are scraped, then leaves; logging again brings it back', async () => {
    const registry = new Registry();
    let now = 0;
    const live = createLiveRunMetrics({ registry, keepFinishedMs: 1_000, now: () => now });
    live.record(run('a'), [point('loss', 0.4)]);
    live.finish('a');
    now = 999;
    expect(await exposed(registry)).toEqual({ 'a loss': 0.4 });
    now = 1_000;
    expect(await exposed(registry)).toEqual({});
    expect(live.size()).toBe(0);
    live.record(run('a'), [point('loss', 0.3)]);
    live.relabel('a', { ...run('a'), runName: 'renamed' });
    expect((await registry.metrics()).match(/run_name="(\w+)"/)![1]).toBe('renamed');
  });
});
