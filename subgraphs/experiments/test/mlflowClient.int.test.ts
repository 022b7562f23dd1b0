import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gql, mlflowPython, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface FlowResult {
  experiment_id: string;
  run_ids: string[];
  param_error: string | null;
  report: string;
  model_files: string[];
  model_copy: string[];
  found: string[];
  frame_runs: string[];
  history: [number, number][];
  version: string;
  source: string;
  champion: string;
  champion_run: string;
}

describe('the official mlflow Python client against Jarvis', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let flow: FlowResult;

  beforeAll(async () => {
    jarvis = await servedJarvis();
    const script = new URL('./python/training_flow.py', import.meta.url).pathname;
    const { stdout } = await run(mlflowPython(), [script], {
      // Only the tracking URI: what a team changes to move from MLflow to Jarvis.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MLFLOW_TRACKING_URI: jarvis.url },
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    flow = JSON.parse(stdout.trim().split('\n').at(-1)!) as FlowResult;
  }, 240_000);
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('creates experiments and runs, logs, searches, and gets MLflow error codes back', () => {
    const [, best] = flow.run_ids;
    expect(flow.run_ids).toHaveLength(2);
    expect(flow.param_error).toBe('INVALID_PARAMETER_VALUE');
    expect(flow.found).toEqual([best]);
    expect(flow.frame_runs).toEqual([best, flow.run_ids[0]]);
    expect(flow.history).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
    ]);
  });

  it('logs artifact files and downloads them back, a model folder included', () => {
    expect(flow.report).toBe('confusion matrix for lr=0.01\n');
    expect(flow.model_files).toEqual(['model/MLmodel', 'model/model.pkl']);
    expect(flow.model_copy).toEqual(['MLmodel', 'model.pkl']);
  });

  it('registers a model version from the run and points an alias at it', () => {
    expect(flow.version).toBe('1');
    expect(flow.source).toBe(`mlflow-artifacts:/${flow.experiment_id}/${flow.run_ids[1]}/artifacts/model`);
    expect(flow.champion).toBe('1');
    expect(flow.champion_run).toBe(flow.run_ids[1]);
  });

  it('the same data is visible through GraphQL: run, metric history, artifacts, model version files', async () => {
    const best = flow.run_ids[1]!;
    const result = await gql<{
      run: {
        name: string;
        status: string;
        params: { key: string; value: string }[];
        tags: { key: string; value: string }[];
        metrics: { key: string; value: number; step: number }[];
        metricHistory: { step: number; value: number }[];
        artifacts: { totalCount: number; edges: { node: { name: string; size: number } }[] };
        modelVersions: { version: number; aliases: string[] }[];
      };
      modelVersionByAlias: {
        version: number;
        run: { id: string };
        files: { name: string; size: number }[];
        artifact: null;
      };
    }>(
      jarvis.router.fetch,
      `query($run: ID!) {
        run(id: $run) {
          name status
          params { key value }
          tags { key value }
          metrics { key value step }
          metricHistory(key: "loss", maxPoints: 5) { step value }
          artifacts { totalCount edges { node { name size } } }
          modelVersions { version aliases }
        }
        modelVersionByAlias(name: "role-classifier", alias: "champion") {
          version run { id } files { name size } artifact { id }
        }
      }`,
      { run: best },
    );
    expect(result.errors).toBeUndefined();
    const { run: got, modelVersionByAlias: version } = result.data!;
    expect(got).toMatchObject({ name: 'resnet-lr0.01', status: 'FINISHED' });
    expect(Object.fromEntries(got.params.map((p) => [p.key, p.value]))).toEqual({
      lr: '0.01',
      batch_size: '32',
      optimizer: 'adam',
    });
    expect(got.tags).toEqual(expect.arrayContaining([{ key: 'component', value: 'toolchain' }]));
    expect(got.metrics.find((m) => m.key === 'acc')).toMatchObject({ value: 0.9, step: 19 });
    // Downsampled for a chart: first, last, and the extremes kept.
    expect(got.metricHistory.length).toBeLessThanOrEqual(5);
    expect(got.metricHistory.at(-1)).toEqual({ step: 19, value: 1 / 20 });
    const prefix = `${flow.experiment_id}/${best}/artifacts/`;
    expect(got.artifacts.edges.map((e) => e.node.name).sort()).toEqual(
      ['model/MLmodel', 'model/model.pkl', 'report.txt'].map((f) => prefix + f),
    );
    expect(got.modelVersions).toEqual([{ version: 1, aliases: ['champion'] }]);
    expect(version.run.id).toBe(best);
    expect(version.artifact).toBeNull();
    expect(version.files.map((f) => [f.name, f.size])).toEqual([
      [`${prefix}model/MLmodel`, 53],
      [`${prefix}model/model.pkl`, 64 * 1024],
    ]);
  });

  it('pages metric history as MLflow does', async () => {
    const history = async (token?: string) =>
      (await (
        await fetch(
          `${jarvis.url}/api/2.0/mlflow/metrics/get-history?run_id=${flow.run_ids[1]}&metric_key=loss&max_results=8${token ? `&page_token=${token}` : ''}`,
        )
      ).json()) as { metrics: { step: number }[]; next_page_token?: string };
    const steps: number[] = [];
    let page = await history();
    for (;;) {
      steps.push(...page.metrics.map((m) => m.step));
      if (!page.next_page_token) break;
      page = await history(page.next_page_token);
    }
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('answers bad requests in MLflow error shapes', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${jarvis.url}/api/2.0/mlflow/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const missing = await fetch(`${jarvis.url}/api/2.0/mlflow/runs/get?run_id=${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const duplicate = await post('experiments/create', { name: 'hockey-role-classification' });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    const finished = await post('runs/log-metric', {
      run_id: flow.run_ids[1],
      key: 'acc',
      value: 1,
      timestamp: Date.now(),
    });
    expect(finished.status).toBe(400);
    expect(await finished.json()).toMatchObject({ error_code: 'INVALID_STATE' });
    const tooMany = await post('runs/log-batch', {
      run_id: flow.run_ids[0],
      metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const badFilter = await post('runs/search', {
      experiment_ids: [flow.experiment_id],
      filter: 'metrics.acc >',
    });
    expect(await badFilter.json()).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('position 14'),
    });
  });
});
