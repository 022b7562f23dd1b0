import { testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The parts of MLflow's answers these tests read. */
interface Answer {
  error_code?: string;
  experiment_id?: string;
  run?: { info: { run_id: string }; data: { metrics?: unknown[] } };
  model?: { info: { model_id: string; status: string }; data: { metrics?: unknown[] } };
  models?: { info: { name: string } }[];
  next_page_token?: string;
}

/** MLflow 3's logged models through the MLflow API, in process: races, all-or-nothing, pages. */
describe('logged models', () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  let experiment: string;
  let run: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await jarvis.router.fetch(
      new Request(`http://jarvis${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const create = async (name: string) =>
    (
      await call('POST', '/api/2.0/mlflow/logged-models', {
        experiment_id: experiment,
        name,
        source_run_id: run,
      })
    ).body.model!.info.model_id;

  beforeAll(async () => {
    jarvis = await testJarvis();
    experiment = (await call('POST', '/api/2.0/mlflow/experiments/create', { name: 'models' })).body
      .experiment_id!;
    run = (await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experiment })).body.run!.info
      .run_id;
  });
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('finalized twice at once: both answer READY, and the model is READY once', async () => {
    const id = await create('twice');
    const answers = await Promise.all(
      [1, 2].map(() =>
        call('PATCH', `/api/2.0/mlflow/logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }),
      ),
    );
    expect(answers.map((a) => [a.status, a.body.model!.info.status])).toEqual([
      [200, 'LOGGED_MODEL_READY'],
      [200, 'LOGGED_MODEL_READY'],
    ]);
  });

  it('a batch naming a model that does not exist logs nothing, to the run or any model', async () => {
    const id = await create('real');
    const answer = await call('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: run,
      metrics: [
        { key: 'good', value: 1, timestamp: 1, step: 0, model_id: id },
        { key: 'bad', value: 2, timestamp: 1, step: 0, model_id: 'm-0123456789abcdef0123456789abcdef' },
      ],
    });
    expect(answer).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const after = await call('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`);
    expect(after.body.run!.data.metrics).toBeUndefined();
    expect(
      (await call('GET', `/api/2.0/mlflow/logged-models/${id}`)).body.model!.data.metrics,
    ).toBeUndefined();
  });

  it('search pages with page_token, newest first, and a deleted model leaves every page', async () => {
    const ids = [];
    for (const name of ['p1', 'p2', 'p3']) ids.push(await create(name));
    await call('DELETE', `/api/2.0/mlflow/logged-models/${ids[1]}`);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('POST', '/api/2.0/mlflow/logged-models/search', {
        experiment_ids: [experiment],
        filter: "name LIKE 'p%'",
        max_results: 1,
        ...(token ? { page_token: token } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...(page.body.models ?? []).map((m) => m.info.name));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual(['p3', 'p1']);
  });

  it('bad ids, statuses and filters are client errors', async () => {
    const cases: [string, string, unknown, number][] = [
      ['GET', '/api/2.0/mlflow/logged-models/not-an-id', undefined, 404],
      ['GET', `/api/2.0/mlflow/logged-models/${encodeURIComponent('m-\u0000')}`, undefined, 404],
      ['POST', '/api/2.0/mlflow/logged-models', { experiment_id: 'x' }, 404],
      ['POST', '/api/2.0/mlflow/logged-models', { experiment_id: experiment, name: 'a/b' }, 400],
      [
        'POST',
        '/api/2.0/mlflow/logged-models/search',
        { experiment_ids: [experiment], filter: 'metrics.x >' },
        400,
      ],
      [
        'POST',
        '/api/2.0/mlflow/logged-models/search',
        { experiment_ids: [experiment], order_by: [{ field_name: 'nope' }] },
        400,
      ],
      ['POST', '/api/2.0/mlflow/logged-models/search', { experiment_ids: [experiment], max_results: 0 }, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(answer.body)}`).toBe(status);
      expect(answer.body.error_code).toMatch(/^(INVALID_PARAMETER_VALUE|RESOURCE_DOES_NOT_EXIST)$/);
    }
  });
});
