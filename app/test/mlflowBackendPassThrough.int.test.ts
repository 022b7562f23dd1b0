import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { mlflowPython, servedJarvis, startMlflow } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * With an existing MLflow server as the experiments backend, MLflow 3's logged models,
 * datasets and traces pass through to it, and each project still sees only its own.
 */
describe('MLflow 3 on an MLflow backend, through Jarvis', () => {
  let mlflow: Awaited<ReturnType<typeof startMlflow>>;
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let mine: string;
  let theirs: string;
  let flow: Record<string, unknown>;

  beforeAll(async () => {
    mlflow = await startMlflow();
    jarvis = await servedJarvis({
      auth: { mode: 'keys' },
      services: { experiment: { type: 'mlflow', tracking_uri: mlflow.url } },
    });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    await identity.createProjectAsOperator('elsewhere');
    mine = (await identity.issueKey({ projectId: 'default', name: 'trainer', role: 'editor' })).secret;
    theirs = (await identity.issueKey({ projectId: 'elsewhere', name: 'other', role: 'admin' })).secret;
    const script = new URL('../../subgraphs/experiments/test/python/mlflow3_flow.py', import.meta.url)
      .pathname;
    const { stdout } = await run(mlflowPython(), [script], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MLFLOW_TRACKING_URI: jarvis.url,
        MLFLOW_TRACKING_TOKEN: mine,
      },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    flow = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  }, 300_000);
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    await mlflow?.stop();
  });

  it('the MLflow 3 script runs unchanged: models, metrics by model, datasets, registry, traces, assessments', () => {
    expect(flow).toMatchObject({
      model_status: 'READY',
      model_metrics: { val_accuracy: expect.any(Number) },
      added: [2, 3],
      version: '1',
      registered: ['mlflow3-e2e-classifier'],
      inputs: [['synthetic', expect.any(String), 'local', ['training']]],
      trace_count: 1,
      trace_state: 'OK',
      span_names: ['agent', 'embed', 'retrieve'],
      after_delete: ['relevance'],
    });
    expect(flow.champion_predictions).toEqual(flow.predictions);
    expect(flow.outputs).toContain(flow.model_id);
  });

  it('and it all lands on the MLflow server', async () => {
    const answer = await fetch(`${mlflow.url}/api/2.0/mlflow/logged-models/${String(flow.model_id)}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { model: { info: { status: string } } }).model.info.status).toBe(
      'LOGGED_MODEL_READY',
    );
  });

  it("another project's key finds none of it: not the model, its experiment's models, nor the traces", async () => {
    const as = { authorization: `Bearer ${theirs}`, 'content-type': 'application/json' };
    const model = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${String(flow.model_id)}`, {
      headers: as,
    });
    expect(model.status).toBe(404);
    const finalize = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${String(flow.model_id)}`, {
      method: 'PATCH',
      headers: as,
      body: JSON.stringify({ model_id: flow.model_id, status: 'LOGGED_MODEL_UPLOAD_FAILED' }),
    });
    expect(finalize.status).toBe(404);
    const search = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/search`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({ experiment_ids: [flow.experiment_id] }),
    });
    expect(search.status).toBe(404);
    const everywhere = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/search`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({}),
    });
    expect(everywhere.status).toBe(400);
    const traces = await fetch(`${jarvis.url}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: flow.experiment_id } }],
      }),
    });
    expect(traces.status).toBe(404);
    // Still the owner's, unchanged.
    const owner = await fetch(`${jarvis.url}/api/2.0/mlflow/logged-models/${String(flow.model_id)}`, {
      headers: { authorization: `Bearer ${mine}` },
    });
    expect(((await owner.json()) as { model: { info: { status: string } } }).model.info.status).toBe(
      'LOGGED_MODEL_READY',
    );
  });
});
