import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gql, mlflowPython, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Flow {
  experiment_id: string;
  autolog_params: string[];
  autolog_metrics: string[];
  autolog_models: string[];
  model_id: string;
  model_status: string;
  model_metrics: Record<string, number>;
  predictions: number[];
  champion_predictions: number[];
  added: number[];
  version: string;
  registered: string[];
  inputs: [string, string, string, string[]][];
  outputs: string[];
  checkpoints: string[];
  checkpoint_text: string;
  images: number;
  answer: string;
  trace_count: number;
  trace_state: string;
  span_names: string[];
  root_inputs: unknown;
  assessments: [string, unknown, string | null][];
  after_delete: string[];
}

describe('an MLflow 3 script, unchanged, against Jarvis', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let flow: Flow;
  let autologRun: string;

  beforeAll(async () => {
    jarvis = await servedJarvis();
    const script = new URL('./python/mlflow3_flow.py', import.meta.url).pathname;
    const { stdout } = await run(mlflowPython(), [script], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MLFLOW_TRACKING_URI: jarvis.url },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    flow = JSON.parse(stdout.trim().split('\n').at(-1)!) as Flow;
    autologRun = flow.autolog_models[0]!;
  }, 300_000);
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('autolog logs params, training metrics and the model', () => {
    expect(flow.autolog_params).toEqual(['C', 'max_iter']);
    expect(flow.autolog_metrics).toEqual(
      expect.arrayContaining(['training_accuracy_score', 'training_score']),
    );
    expect(flow.autolog_models).toHaveLength(1);
  });

  it('log_model makes a READY logged model that loads back and predicts the same; metrics link to it', () => {
    expect(flow.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(flow.model_status).toBe('READY');
    expect(flow.model_metrics.val_accuracy).toBeGreaterThan(0.5);
    expect(flow.predictions).toHaveLength(5);
    expect(flow.added).toEqual([2, 3]);
    expect(flow.outputs).toContain(flow.model_id);
    expect(flow.outputs).toHaveLength(2);
  });

  it('register_model from the logged model, an alias, and load_model by alias', () => {
    expect(flow.version).toBe('1');
    expect(flow.registered).toEqual(['mlflow3-e2e-classifier']);
    expect(flow.champion_predictions).toEqual(flow.predictions);
  });

  it('log_input of a pandas dataset reads back with its context', () => {
    expect(flow.inputs).toEqual([['synthetic', expect.stringMatching(/^\w+$/), 'local', ['training']]]);
  });

  it('artifacts with names MLflow accepts, and log_image per step', () => {
    expect(flow.checkpoints).toEqual(['checkpoints/epoch=2-step=30.ckpt', 'checkpoints/step 3+ålesund.txt']);
    expect(flow.checkpoint_text).toBe('contents of epoch=2-step=30.ckpt');
    // Each step's image and its thumbnail.
    expect(flow.images).toBe(6);
  });

  it('a traced function with nested spans reads back through search_traces', () => {
    expect(flow.answer).toBe('a document!');
    expect(flow.trace_count).toBe(1);
    expect(flow.trace_state).toBe('OK');
    expect(flow.span_names).toEqual(['agent', 'embed', 'retrieve']);
    expect(flow.root_inputs).toEqual({ question: 'what is jarvis?' });
  });

  it('feedback and expectations on a trace: logged, corrected (the rationale kept), deleted', () => {
    expect(flow.assessments).toEqual([
      ['expected', { answer: 'a document!' }, null],
      ['relevance', 0.5, 'cites the right document'],
    ]);
    expect(flow.after_delete).toEqual(['relevance']);
  });

  it('the same objects through GraphQL: logged models with their files and run, versions, datasets, traces and spans', async () => {
    const result = await gql<{
      loggedModel: {
        name: string;
        status: string;
        sourceRun: { id: string; datasetInputs: { name: string; context: string }[] };
        metrics: { key: string; runId: string }[];
        files: { name: string }[];
        modelVersions: { version: number; loggedModel: { id: string } }[];
      };
      traces: {
        name: string;
        state: string;
        executionTimeMs: number;
        spans: { name: string; spanType: string; parentSpanId: string | null; inputs: unknown }[];
      }[];
      run: { loggedModels: { id: string }[] };
    }>(
      jarvis.router.fetch,
      `query($id: ID!, $experiment: ID!, $autolog: ID!) {
        loggedModel(id: $id) {
          name status
          sourceRun { id datasetInputs { name context } }
          metrics { key runId }
          files { name }
          modelVersions { version loggedModel { id } }
        }
        traces(experimentId: $experiment, filter: "status = 'OK'") {
          name state executionTimeMs spans { name spanType parentSpanId inputs }
        }
        run(id: $autolog) { loggedModels { id } }
      }`,
      { id: flow.model_id, experiment: flow.experiment_id, autolog: autologRun },
    );
    expect(result.errors).toBeUndefined();
    const model = result.data!.loggedModel;
    expect(model).toMatchObject({ name: 'classifier', status: 'READY' });
    expect(model.sourceRun.datasetInputs).toEqual([{ name: 'synthetic', context: 'training' }]);
    expect(model.metrics).toEqual([{ key: 'val_accuracy', runId: model.sourceRun.id }]);
    expect(model.files.map((f) => f.name.split('/artifacts/')[1]).sort()).toEqual(
      expect.arrayContaining(['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt']),
    );
    expect(model.modelVersions).toEqual([{ version: 1, loggedModel: { id: flow.model_id } }]);
    const [trace] = result.data!.traces;
    expect(trace).toMatchObject({ name: 'agent', state: 'OK' });
    expect(trace!.executionTimeMs).toBeGreaterThanOrEqual(0);
    expect(trace!.spans.map((s) => s.name)).toEqual(['agent', 'retrieve', 'embed']);
    expect(trace!.spans[0]!.parentSpanId).toBeNull();
    expect(trace!.spans[1]!.spanType).toBe('RETRIEVER');
    expect(trace!.spans[2]!.inputs).toEqual({ text: 'what is jarvis?' });
    expect(result.data!.run.loggedModels).toHaveLength(1);
  });
});
