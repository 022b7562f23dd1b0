/**
 * One sequence of MLflow REST calls, valid and invalid, as clients and users send them. The
 * parity test runs it against MLflow's own server and against Jarvis and compares every answer.
 * `{name}` in a path, query or body is a value an earlier step kept (`keep`), per server.
 */
export interface ParityStep {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** Raw body and its content type, for artifacts and OTLP. */
  raw?: { contentType: string; data: string | Uint8Array<ArrayBuffer> };
  headers?: Record<string, string>;
  /** Values to keep from the answer: name → dotted path into its JSON. */
  keep?: Record<string, string>;
  /** Values to keep from the answer's headers: name → header (a part's ETag). */
  keepHeaders?: Record<string, string>;
}

const API = '/api/2.0/mlflow';
const MPU = '/api/2.0/mlflow-artifacts/mpu';
const V3 = '/api/3.0/mlflow';

const experiments: ParityStep[] = [
  { name: 'version', method: 'GET', path: '/version' },
  { name: 'server info', method: 'GET', path: `${V3}/server-info` },
  {
    name: 'default experiment exists from the start',
    method: 'GET',
    path: `${API}/experiments/get`,
    query: { experiment_id: '0' },
  },
  {
    name: 'default experiment by name',
    method: 'GET',
    path: `${API}/experiments/get-by-name`,
    query: { experiment_name: 'Default' },
  },
  {
    name: 'search experiments on a fresh server',
    method: 'POST',
    path: `${API}/experiments/search`,
    body: { max_results: 10 },
  },
  {
    name: 'create experiment',
    method: 'POST',
    path: `${API}/experiments/create`,
    body: { name: 'parity', tags: [{ key: 'team', value: 'vision' }] },
    keep: { exp: 'experiment_id' },
  },
  {
    name: 'create experiment with an artifact location',
    method: 'POST',
    path: `${API}/experiments/create`,
    body: { name: 'parity-located', artifact_location: 's3://bucket/parity-located' },
    keep: { located: 'experiment_id' },
  },
  {
    name: 'its artifact location is kept',
    method: 'GET',
    path: `${API}/experiments/get`,
    query: { experiment_id: '{located}' },
  },
  {
    name: 'create experiment twice',
    method: 'POST',
    path: `${API}/experiments/create`,
    body: { name: 'parity' },
  },
  { name: 'create experiment without a name', method: 'POST', path: `${API}/experiments/create`, body: {} },
  {
    name: 'create experiment with a numeric name',
    method: 'POST',
    path: `${API}/experiments/create`,
    body: { name: 42 },
  },
  {
    name: 'get experiment',
    method: 'GET',
    path: `${API}/experiments/get`,
    query: { experiment_id: '{exp}' },
  },
  {
    name: 'get experiment that does not exist',
    method: 'GET',
    path: `${API}/experiments/get`,
    query: { experiment_id: '987654' },
  },
  {
    name: 'get experiment by name',
    method: 'GET',
    path: `${API}/experiments/get-by-name`,
    query: { experiment_name: 'parity' },
  },
  {
    name: 'get experiment by a missing name',
    method: 'GET',
    path: `${API}/experiments/get-by-name`,
    query: { experiment_name: 'nope' },
  },
  {
    name: 'set experiment tag',
    method: 'POST',
    path: `${API}/experiments/set-experiment-tag`,
    body: { experiment_id: '{exp}', key: 'stage', value: 'dev' },
  },
  {
    name: 'set experiment tag with an empty value',
    method: 'POST',
    path: `${API}/experiments/set-experiment-tag`,
    body: { experiment_id: '{exp}', key: 'empty', value: '' },
  },
  {
    name: 'delete experiment tag',
    method: 'POST',
    path: `${API}/experiments/delete-experiment-tag`,
    body: { experiment_id: '{exp}', key: 'empty' },
  },
  {
    name: 'search experiments by name',
    method: 'POST',
    path: `${API}/experiments/search`,
    body: { filter: "name = 'parity'", max_results: 5 },
  },
  {
    name: 'search experiments ordered',
    method: 'POST',
    path: `${API}/experiments/search`,
    body: { order_by: ['name DESC'], max_results: 5 },
  },
  {
    name: 'search experiments with a bad filter',
    method: 'POST',
    path: `${API}/experiments/search`,
    body: { filter: 'name ~ 1', max_results: 10 },
  },
  {
    name: 'search experiments via GET',
    method: 'GET',
    path: `${API}/experiments/search`,
    query: { max_results: '1', filter: "name = 'parity'" },
  },
  {
    name: 'rename experiment',
    method: 'POST',
    path: `${API}/experiments/update`,
    body: { experiment_id: '{located}', new_name: 'parity-located-renamed' },
  },
];

const runs: ParityStep[] = [
  {
    name: 'create run',
    method: 'POST',
    path: `${API}/runs/create`,
    body: {
      experiment_id: '{exp}',
      run_name: 'lr-0.01',
      start_time: 1700000000000,
      tags: [
        { key: 'team', value: 'vision' },
        { key: 'mlflow.user', value: 'parity' },
      ],
    },
    keep: { run: 'run.info.run_id' },
  },
  {
    name: 'create second run',
    method: 'POST',
    path: `${API}/runs/create`,
    body: {
      experiment_id: '{exp}',
      run_name: 'lr-0.1',
      start_time: 1700000001000,
      tags: [{ key: 'mlflow.user', value: 'parity' }],
    },
    keep: { run2: 'run.info.run_id' },
  },
  {
    name: 'create run in a missing experiment',
    method: 'POST',
    path: `${API}/runs/create`,
    body: { experiment_id: '987654' },
  },
  {
    name: 'log parameter',
    method: 'POST',
    path: `${API}/runs/log-parameter`,
    body: { run_id: '{run}', key: 'lr', value: '0.01' },
  },
  {
    name: 'log the same parameter with another value',
    method: 'POST',
    path: `${API}/runs/log-parameter`,
    body: { run_id: '{run}', key: 'lr', value: '0.02' },
  },
  {
    name: 'log parameter with a numeric value',
    method: 'POST',
    path: `${API}/runs/log-parameter`,
    body: { run_id: '{run}', key: 'batch', value: 32 },
  },
  {
    name: 'log metric',
    method: 'POST',
    path: `${API}/runs/log-metric`,
    body: { run_id: '{run}', key: 'loss', value: 0.5, timestamp: 1700000002000, step: 1 },
  },
  {
    name: 'log metric without a value',
    method: 'POST',
    path: `${API}/runs/log-metric`,
    body: { run_id: '{run}', key: 'loss', timestamp: 1700000002000 },
  },
  {
    name: 'log metric to a missing run',
    method: 'POST',
    path: `${API}/runs/log-metric`,
    body: { run_id: '0123456789abcdef0123456789abcdef', key: 'loss', value: 1, timestamp: 1 },
  },
  {
    name: 'log metric with a numeric run id',
    method: 'POST',
    path: `${API}/runs/log-metric`,
    body: { run_id: 42, key: 'loss', value: 1, timestamp: 1 },
  },
  {
    name: 'log batch',
    method: 'POST',
    path: `${API}/runs/log-batch`,
    body: {
      run_id: '{run}',
      metrics: [
        { key: 'loss', value: 0.25, timestamp: 1700000003000, step: 2 },
        { key: 'acc', value: 0.9, timestamp: 1700000003000, step: 2 },
      ],
      params: [{ key: 'optimizer', value: 'adam' }],
      tags: [{ key: 'stage', value: 'train' }],
    },
  },
  {
    name: 'log batch with a metric missing its key',
    method: 'POST',
    path: `${API}/runs/log-batch`,
    body: { run_id: '{run}', metrics: [{ value: 1, timestamp: 1 }] },
  },
  {
    name: 'set run tag',
    method: 'POST',
    path: `${API}/runs/set-tag`,
    body: { run_id: '{run}', key: 'note', value: 'ok' },
  },
  {
    name: 'set run tag with an empty value',
    method: 'POST',
    path: `${API}/runs/set-tag`,
    body: { run_id: '{run}', key: 'blank', value: '' },
  },
  {
    name: 'delete run tag',
    method: 'POST',
    path: `${API}/runs/delete-tag`,
    body: { run_id: '{run}', key: 'blank' },
  },
  {
    name: 'delete a missing run tag',
    method: 'POST',
    path: `${API}/runs/delete-tag`,
    body: { run_id: '{run}', key: 'never' },
  },
  {
    name: 'log inputs',
    method: 'POST',
    path: `${API}/runs/log-inputs`,
    body: {
      run_id: '{run}',
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'iris',
            digest: 'abc123',
            source_type: 'local',
            source: '{"uri": "/data/iris.csv"}',
            schema: '{"mlflow_colspec": [{"type": "double", "name": "x"}]}',
            profile: '{"num_rows": 150}',
          },
        },
      ],
    },
  },
  { name: 'get run', method: 'GET', path: `${API}/runs/get`, query: { run_id: '{run}' } },
  { name: 'get run by run_uuid', method: 'GET', path: `${API}/runs/get`, query: { run_uuid: '{run}' } },
  {
    name: 'get a missing run',
    method: 'GET',
    path: `${API}/runs/get`,
    query: { run_id: '0123456789abcdef0123456789abcdef' },
  },
  { name: 'get run without an id', method: 'GET', path: `${API}/runs/get` },
  {
    name: 'metric history',
    method: 'GET',
    path: `${API}/metrics/get-history`,
    query: { run_id: '{run}', metric_key: 'loss' },
  },
  {
    name: 'metric history of a missing metric',
    method: 'GET',
    path: `${API}/metrics/get-history`,
    query: { run_id: '{run}', metric_key: 'nope' },
  },
  {
    name: 'metric history bulk interval',
    method: 'GET',
    path: `${API}/metrics/get-history-bulk-interval`,
    query: { run_ids: ['{run}'], metric_key: 'loss', max_results: '10' },
  },
  {
    name: 'update run',
    method: 'POST',
    path: `${API}/runs/update`,
    body: { run_id: '{run2}', status: 'FINISHED', end_time: 1700000009000 },
  },
  {
    name: 'update run with a bad status',
    method: 'POST',
    path: `${API}/runs/update`,
    body: { run_id: '{run2}', status: 'DONE' },
  },
  {
    name: 'search runs by metric',
    method: 'POST',
    path: `${API}/runs/search`,
    body: { experiment_ids: ['{exp}'], filter: 'metrics.acc > 0.5', max_results: 10 },
  },
  {
    name: 'search runs ordered by start time',
    method: 'POST',
    path: `${API}/runs/search`,
    body: { experiment_ids: ['{exp}'], order_by: ['attributes.start_time ASC'] },
  },
  {
    name: 'search runs with a bad filter',
    method: 'POST',
    path: `${API}/runs/search`,
    body: { experiment_ids: ['{exp}'], filter: 'metrics.acc >>> 1' },
  },
  {
    name: 'log model (MLflow 2 history)',
    method: 'POST',
    path: `${API}/runs/log-model`,
    body: {
      run_id: '{run}',
      model_json: JSON.stringify({
        artifact_path: 'model',
        flavors: { python_function: {} },
        utc_time_created: '2026-12-01 00:00:00.000000',
        run_id: 'r',
      }),
    },
  },
  {
    name: 'log model with malformed json',
    method: 'POST',
    path: `${API}/runs/log-model`,
    body: { run_id: '{run}', model_json: '{not json' },
  },
  {
    name: 'log model missing fields',
    method: 'POST',
    path: `${API}/runs/log-model`,
    body: { run_id: '{run}', model_json: '{"artifact_path": "model"}' },
  },
  {
    name: 'log a metric to a finished run',
    method: 'POST',
    path: `${API}/runs/log-metric`,
    body: { run_id: '{run2}', key: 'late', value: 1, timestamp: 1700000010000 },
  },
  { name: 'delete run', method: 'POST', path: `${API}/runs/delete`, body: { run_id: '{run2}' } },
  { name: 'restore run', method: 'POST', path: `${API}/runs/restore`, body: { run_id: '{run2}' } },
];

const registry: ParityStep[] = [
  {
    name: 'create registered model',
    method: 'POST',
    path: `${API}/registered-models/create`,
    body: { name: 'parity-model', tags: [{ key: 'task', value: 'cls' }], description: 'a model' },
  },
  {
    name: 'create registered model twice',
    method: 'POST',
    path: `${API}/registered-models/create`,
    body: { name: 'parity-model' },
  },
  {
    name: 'create registered model with no name',
    method: 'POST',
    path: `${API}/registered-models/create`,
    body: {},
  },
  {
    name: 'get registered model',
    method: 'GET',
    path: `${API}/registered-models/get`,
    query: { name: 'parity-model' },
  },
  {
    name: 'get a missing registered model',
    method: 'GET',
    path: `${API}/registered-models/get`,
    query: { name: 'nope' },
  },
  {
    name: 'create model version',
    method: 'POST',
    path: `${API}/model-versions/create`,
    body: { name: 'parity-model', source: 'mlflow-artifacts:/{exp}/{run}/artifacts/model', run_id: '{run}' },
  },
  {
    name: 'create second model version',
    method: 'POST',
    path: `${API}/model-versions/create`,
    body: { name: 'parity-model', source: 'mlflow-artifacts:/{exp}/{run}/artifacts/model2', run_id: '{run}' },
  },
  {
    name: 'create model version of a missing model',
    method: 'POST',
    path: `${API}/model-versions/create`,
    body: { name: 'nope', source: 'mlflow-artifacts:/{exp}/{run}/artifacts/model', run_id: '{run}' },
  },
  {
    name: 'create model version from outside its run',
    method: 'POST',
    path: `${API}/model-versions/create`,
    body: { name: 'parity-model', source: 'mlflow-artifacts:/elsewhere/model', run_id: '{run}' },
  },
  {
    name: 'get model version',
    method: 'GET',
    path: `${API}/model-versions/get`,
    query: { name: 'parity-model', version: '1' },
  },
  {
    name: 'get a missing model version',
    method: 'GET',
    path: `${API}/model-versions/get`,
    query: { name: 'parity-model', version: '9' },
  },
  {
    name: 'get a model version with a bad number',
    method: 'GET',
    path: `${API}/model-versions/get`,
    query: { name: 'parity-model', version: 'x' },
  },
  {
    name: 'search model versions ordered by version',
    method: 'GET',
    path: `${API}/model-versions/search`,
    query: { filter: "name='parity-model'", order_by: ['version_number ASC'] },
  },
  {
    name: 'search model versions newest first',
    method: 'GET',
    path: `${API}/model-versions/search`,
    query: { filter: "name='parity-model'", order_by: ['version_number DESC'] },
  },
  {
    name: 'search registered models as an MLflow 3 client does',
    method: 'GET',
    path: `${API}/registered-models/search`,
    query: { filter: "tag.`mlflow.prompt.is_prompt` != 'true'", max_results: '100' },
  },
  {
    name: 'search registered models by name',
    method: 'GET',
    path: `${API}/registered-models/search`,
    query: { filter: "name LIKE 'parity%'", order_by: ['name ASC'] },
  },
  {
    name: 'set alias',
    method: 'POST',
    path: `${API}/registered-models/alias`,
    body: { name: 'parity-model', alias: 'champion', version: '2' },
  },
  {
    name: 'get by alias',
    method: 'GET',
    path: `${API}/registered-models/alias`,
    query: { name: 'parity-model', alias: 'champion' },
  },
  {
    name: 'get by a missing alias',
    method: 'GET',
    path: `${API}/registered-models/alias`,
    query: { name: 'parity-model', alias: 'nope' },
  },
  {
    name: 'set model version tag',
    method: 'POST',
    path: `${API}/model-versions/set-tag`,
    body: { name: 'parity-model', version: '1', key: 'validated', value: 'yes' },
  },
  {
    name: 'update model version',
    method: 'PATCH',
    path: `${API}/model-versions/update`,
    body: { name: 'parity-model', version: '1', description: 'first' },
  },
  {
    name: 'download uri',
    method: 'GET',
    path: `${API}/model-versions/get-download-uri`,
    query: { name: 'parity-model', version: '1' },
  },
  {
    name: 'latest versions',
    method: 'POST',
    path: `${API}/registered-models/get-latest-versions`,
    body: { name: 'parity-model' },
  },
  {
    name: 'set registered model tag',
    method: 'POST',
    path: `${API}/registered-models/set-tag`,
    body: { name: 'parity-model', key: 'owner', value: 'vision' },
  },
  {
    name: 'update registered model',
    method: 'PATCH',
    path: `${API}/registered-models/update`,
    body: { name: 'parity-model', description: 'classifier' },
  },
  {
    name: 'delete alias',
    method: 'DELETE',
    path: `${API}/registered-models/alias`,
    body: { name: 'parity-model', alias: 'champion' },
  },
  {
    name: 'delete model version',
    method: 'DELETE',
    path: `${API}/model-versions/delete`,
    body: { name: 'parity-model', version: '1' },
  },
  {
    name: 'rename registered model',
    method: 'POST',
    path: `${API}/registered-models/rename`,
    body: { name: 'parity-model', new_name: 'parity-model-2' },
  },
  {
    name: 'delete registered model',
    method: 'DELETE',
    path: `${API}/registered-models/delete`,
    body: { name: 'parity-model-2' },
  },
];

const loggedModels: ParityStep[] = [
  {
    name: 'create logged model',
    method: 'POST',
    path: `${API}/logged-models`,
    body: {
      experiment_id: '{exp}',
      name: 'classifier',
      model_type: 'sklearn',
      source_run_id: '{run}',
      params: [{ key: 'C', value: '1.0' }],
      tags: [{ key: 'flavor', value: 'sklearn' }],
    },
    keep: { model: 'model.info.model_id' },
  },
  {
    name: 'create logged model in a missing experiment',
    method: 'POST',
    path: `${API}/logged-models`,
    body: { experiment_id: '987654' },
  },
  { name: 'get logged model', method: 'GET', path: `${API}/logged-models/{model}` },
  {
    name: 'get a missing logged model',
    method: 'GET',
    path: `${API}/logged-models/m-0123456789abcdef0123456789abcdef`,
  },
  {
    name: 'log logged model params',
    method: 'POST',
    path: `${API}/logged-models/{model}/params`,
    body: { model_id: '{model}', params: [{ key: 'max_iter', value: '100' }] },
  },
  {
    name: 'set logged model tags',
    method: 'PATCH',
    path: `${API}/logged-models/{model}/tags`,
    body: { model_id: '{model}', tags: [{ key: 'stage', value: 'candidate' }] },
  },
  { name: 'delete logged model tag', method: 'DELETE', path: `${API}/logged-models/{model}/tags/flavor` },
  {
    name: 'metrics linked to a logged model',
    method: 'POST',
    path: `${API}/runs/log-batch`,
    body: {
      run_id: '{run}',
      metrics: [{ key: 'val_acc', value: 0.8, timestamp: 1700000004000, step: 0, model_id: '{model}' }],
    },
  },
  {
    name: 'finalize with a bad status',
    method: 'PATCH',
    path: `${API}/logged-models/{model}`,
    body: { model_id: '{model}', status: 'DONE' },
  },
  {
    name: 'finalize logged model',
    method: 'PATCH',
    path: `${API}/logged-models/{model}`,
    body: { model_id: '{model}', status: 'LOGGED_MODEL_READY' },
  },
  {
    name: 'run outputs',
    method: 'POST',
    path: `${API}/runs/outputs`,
    body: { run_id: '{run}', models: [{ model_id: '{model}', step: 0 }] },
  },
  {
    name: 'get run with inputs and outputs',
    method: 'GET',
    path: `${API}/runs/get`,
    query: { run_id: '{run}' },
  },
  {
    name: 'search logged models',
    method: 'POST',
    path: `${API}/logged-models/search`,
    body: { experiment_ids: ['{exp}'], filter: "name = 'classifier'", max_results: 10 },
  },
  {
    name: 'search logged models by metric',
    method: 'POST',
    path: `${API}/logged-models/search`,
    body: {
      experiment_ids: ['{exp}'],
      filter: 'metrics.val_acc > 0.5',
      order_by: [{ field_name: 'creation_time', ascending: false }],
    },
  },
  {
    name: 'search logged models with a bad filter',
    method: 'POST',
    path: `${API}/logged-models/search`,
    body: { experiment_ids: ['{exp}'], filter: 'nonsense ~~ 1' },
  },
  {
    name: 'model version from a logged model',
    method: 'POST',
    path: `${API}/model-versions/create`,
    body: { name: 'from-logged', source: 'models:/{model}', run_id: '{run}', model_id: '{model}' },
  },
  { name: 'delete logged model', method: 'DELETE', path: `${API}/logged-models/{model}` },
  { name: 'get a deleted logged model', method: 'GET', path: `${API}/logged-models/{model}` },
];

const artifacts: ParityStep[] = [
  {
    name: 'upload an artifact with a Lightning checkpoint name',
    method: 'PUT',
    path: `/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/${encodeURIComponent('epoch=2-step=30.ckpt')}`,
    raw: { contentType: 'application/octet-stream', data: 'weights' },
  },
  {
    name: 'upload an artifact with a plus, a space and unicode',
    method: 'PUT',
    path: `/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/images/${encodeURIComponent('step 3+ålesund.png')}`,
    raw: { contentType: 'image/png', data: 'png' },
  },
  {
    name: 'list run artifacts',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts',
    query: { path: '{exp}/{run}/artifacts' },
  },
  {
    name: 'list the awkward folder',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts',
    query: { path: '{exp}/{run}/artifacts/images' },
  },
  {
    name: 'download the checkpoint',
    method: 'GET',
    path: `/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/${encodeURIComponent('epoch=2-step=30.ckpt')}`,
  },
  {
    name: 'download a missing artifact',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/missing.bin',
  },
  {
    name: 'presigned download of the checkpoint',
    method: 'GET',
    path: `/api/2.0/mlflow-artifacts/presigned/{exp}/{run}/artifacts/${encodeURIComponent('epoch=2-step=30.ckpt')}`,
    keep: { presigned: 'url' },
  },
  { name: 'GET the presigned URL, no credentials', method: 'GET', path: '{presigned}' },
  {
    name: 'presigned download of a missing artifact',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/presigned/{exp}/{run}/artifacts/missing.bin',
  },
  ...(
    [
      ['presigned upload URL for a run', 'upload', { run_id: '{run}', path: 'model.pkl' }],
      [
        'presigned upload URL naming a run and a model',
        'upload',
        { run_id: '{run}', model_id: 'm-1', path: 'a' },
      ],
      ['presigned upload URL naming neither', 'upload', { path: 'a' }],
      ['presigned upload URL with an unsafe path', 'upload', { run_id: '{run}', path: '../escape' }],
      ['presigned upload URL for a missing run', 'upload', { run_id: '0'.repeat(32), path: 'a' }],
      ['presigned download URL for a run', 'download', { run_id: '{run}', path: 'model.pkl' }],
      [
        'presigned download URL with a bad expiration',
        'download',
        { run_id: '{run}', path: 'a', expiration: 0 },
      ],
      ['presigned download URL without a path', 'download', { run_id: '{run}' }],
    ] as const
  ).map(
    ([name, what, body]): ParityStep => ({
      name,
      method: 'POST',
      path: `${API}/artifacts/presigned-${what}-url`,
      body,
    }),
  ),
  {
    name: 'multipart upload: create',
    method: 'POST',
    path: `${MPU}/create/{exp}/{run}/artifacts/big`,
    body: { path: '/home/me/weights.bin', num_parts: 2 },
    keep: { mpu: 'upload_id', part1: 'credentials.0.url', part2: 'credentials.1.url' },
  },
  {
    name: 'multipart upload: first part, to its URL, no credentials',
    method: 'PUT',
    path: '{part1}',
    raw: { contentType: 'application/octet-stream', data: new Uint8Array(5 * 1024 * 1024).fill(7) },
    keepHeaders: { etag1: 'etag' },
  },
  {
    name: 'multipart upload: last part',
    method: 'PUT',
    path: '{part2}',
    raw: { contentType: 'application/octet-stream', data: 'the last few bytes' },
    keepHeaders: { etag2: 'etag' },
  },
  {
    name: 'multipart upload: complete',
    method: 'POST',
    path: `${MPU}/complete/{exp}/{run}/artifacts/big`,
    body: {
      path: '/home/me/weights.bin',
      upload_id: '{mpu}',
      parts: [
        { part_number: 1, etag: '{etag1}' },
        { part_number: 2, etag: '{etag2}' },
      ],
    },
  },
  {
    name: 'multipart upload: the file is listed with its size',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts',
    query: { path: '{exp}/{run}/artifacts/big' },
  },
  {
    name: 'multipart upload: create without a path',
    method: 'POST',
    path: `${MPU}/create/{exp}/{run}/artifacts/big`,
    body: { num_parts: 2 },
  },
  {
    name: 'multipart upload: create with a numeric path',
    method: 'POST',
    path: `${MPU}/create/{exp}/{run}/artifacts/big`,
    body: { path: 7, num_parts: 2 },
  },
  {
    name: 'multipart upload: create another, to abort',
    method: 'POST',
    path: `${MPU}/create/{exp}/{run}/artifacts/big`,
    body: { path: 'aborted.bin', num_parts: 1 },
    keep: { aborted: 'upload_id' },
  },
  {
    name: 'multipart upload: abort',
    method: 'POST',
    path: `${MPU}/abort/{exp}/{run}/artifacts/big`,
    body: { path: 'aborted.bin', upload_id: '{aborted}' },
  },
  {
    name: 'multipart upload: the aborted file is not listed',
    method: 'GET',
    path: '/api/2.0/mlflow-artifacts/artifacts',
    query: { path: '{exp}/{run}/artifacts/big' },
  },
];

// One trace as an OpenTelemetry exporter sends it: a root span and a child, attributes as
// MLflow's client encodes them (JSON in strings), and the trace's info when it ends.
const TRACE_HEX = '0af7651916cd43dd8448eb211c80319c';
const TRACE_ID = `tr-${TRACE_HEX}`;
const str = (value: unknown) => ({ stringValue: JSON.stringify(value) });
const otlp = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'parity-agent' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: TRACE_HEX,
              spanId: 'b7ad6b7169203331',
              name: 'agent',
              kind: 1,
              startTimeUnixNano: '1796100000000000000',
              endTimeUnixNano: '1796100000250000000',
              attributes: [
                { key: 'mlflow.spanType', value: str('AGENT') },
                { key: 'mlflow.spanInputs', value: str({ question: 'hi' }) },
                { key: 'mlflow.spanOutputs', value: str('hello') },
                { key: 'plain', value: { stringValue: 'not json' } },
                { key: 'count', value: { intValue: '3' } },
              ],
              status: { code: 1 },
            },
            {
              traceId: TRACE_HEX,
              spanId: '00f067aa0ba902b7',
              parentSpanId: 'b7ad6b7169203331',
              name: 'retrieve',
              startTimeUnixNano: '1796100000010000000',
              endTimeUnixNano: '1796100000200000000',
              attributes: [{ key: 'mlflow.spanType', value: str('RETRIEVER') }],
              status: { code: 0 },
            },
          ],
        },
      ],
    },
  ],
};
const traceInfo = {
  trace: {
    trace_info: {
      trace_id: TRACE_ID,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '{exp}' } },
      request_time: '2026-12-01T00:00:00.000Z',
      execution_duration: '0.250s',
      state: 'OK',
      trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.traceInputs': '{"question": "hi"}' },
      tags: { 'mlflow.traceName': 'agent', team: 'vision' },
      request_preview: '{"question": "hi"}',
      response_preview: '"hello"',
    },
  },
};

const traces: ParityStep[] = [
  {
    name: 'OTLP spans as JSON',
    method: 'POST',
    path: '/v1/traces',
    headers: { 'x-mlflow-experiment-id': '{exp}' },
    raw: { contentType: 'application/json', data: JSON.stringify(otlp) },
  },
  {
    name: 'OTLP without an experiment header',
    method: 'POST',
    path: '/v1/traces',
    raw: { contentType: 'application/json', data: JSON.stringify(otlp) },
  },
  {
    name: 'OTLP with a content type it does not take',
    method: 'POST',
    path: '/v1/traces',
    headers: { 'x-mlflow-experiment-id': '{exp}' },
    raw: { contentType: 'text/plain', data: 'spans' },
  },
  {
    name: 'OTLP JSON that is not JSON',
    method: 'POST',
    path: '/v1/traces',
    headers: { 'x-mlflow-experiment-id': '{exp}' },
    raw: { contentType: 'application/json', data: '{"resourceSpans": [' },
  },
  { name: 'start trace', method: 'POST', path: `${V3}/traces`, body: traceInfo },
  { name: 'get trace info', method: 'GET', path: `${V3}/traces/${TRACE_ID}` },
  {
    name: 'get trace info of a missing trace',
    method: 'GET',
    path: `${V3}/traces/tr-00000000000000000000000000000000`,
  },
  { name: 'get trace with spans', method: 'GET', path: `${V3}/traces/get`, query: { trace_id: TRACE_ID } },
  {
    name: 'batch get traces',
    method: 'GET',
    path: `${V3}/traces/batchGet`,
    query: { trace_ids: [TRACE_ID] },
  },
  {
    name: 'search traces',
    method: 'POST',
    path: `${V3}/traces/search`,
    body: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '{exp}' } }],
      filter: "tags.team = 'vision'",
      max_results: 10,
    },
  },
  {
    name: 'search traces that match nothing',
    method: 'POST',
    path: `${V3}/traces/search`,
    body: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '{exp}' } }],
      filter: "tags.team = 'nlp'",
      max_results: 10,
    },
  },
  {
    name: 'set trace tag',
    method: 'PATCH',
    path: `${API}/traces/${TRACE_ID}/tags`,
    body: { key: 'reviewed', value: 'yes' },
  },
  { name: 'trace info after tagging', method: 'GET', path: `${V3}/traces/${TRACE_ID}` },
  {
    name: 'delete trace tag',
    method: 'DELETE',
    path: `${API}/traces/${TRACE_ID}/tags`,
    body: { key: 'reviewed' },
  },
  {
    name: 'log feedback',
    method: 'POST',
    path: `${V3}/traces/${TRACE_ID}/assessments`,
    body: {
      assessment: {
        assessment_name: 'relevance',
        trace_id: TRACE_ID,
        source: { source_type: 'HUMAN', source_id: 'reviewer' },
        feedback: { value: 0.9 },
        rationale: 'cites the right document',
      },
    },
    keep: { feedback: 'assessment.assessment_id' },
  },
  {
    name: 'log feedback on a missing trace',
    method: 'POST',
    path: `${V3}/traces/tr-00000000000000000000000000000000/assessments`,
    body: {
      assessment: { assessment_name: 'x', source: { source_type: 'HUMAN' }, feedback: { value: 1 } },
    },
  },
  { name: 'get feedback', method: 'GET', path: `${V3}/traces/${TRACE_ID}/assessments/{feedback}` },
  {
    name: 'update feedback',
    method: 'PATCH',
    path: `${V3}/traces/${TRACE_ID}/assessments/{feedback}`,
    body: {
      assessment: { assessment_name: 'relevance', feedback: { value: 0.5 } },
      update_mask: 'feedback',
    },
  },
  { name: 'trace info with its assessment', method: 'GET', path: `${V3}/traces/${TRACE_ID}` },
  { name: 'delete feedback', method: 'DELETE', path: `${V3}/traces/${TRACE_ID}/assessments/{feedback}` },
  { name: 'get deleted feedback', method: 'GET', path: `${V3}/traces/${TRACE_ID}/assessments/{feedback}` },
  {
    name: 'log an assessment without a name',
    method: 'POST',
    path: `${V3}/traces/${TRACE_ID}/assessments`,
    body: { assessment: { trace_id: TRACE_ID, source: { source_type: 'HUMAN' }, feedback: { value: 1 } } },
  },
  {
    name: 'link a trace to a run',
    method: 'POST',
    path: `${API}/traces/link-to-run`,
    body: { trace_ids: [TRACE_ID], run_id: '{run}' },
  },
  {
    name: 'link a trace to a missing run',
    method: 'POST',
    path: `${API}/traces/link-to-run`,
    body: { trace_ids: [TRACE_ID], run_id: '0123456789abcdef0123456789abcdef' },
  },
  {
    name: 'delete traces',
    method: 'POST',
    path: `${V3}/traces/delete-traces`,
    body: { experiment_id: '{exp}', request_ids: [TRACE_ID] },
  },
  { name: 'get a deleted trace', method: 'GET', path: `${V3}/traces/${TRACE_ID}` },
];

const datasets: ParityStep[] = [
  {
    name: 'search datasets',
    method: 'POST',
    path: '/ajax-api/2.0/mlflow/experiments/search-datasets',
    body: { experiment_ids: ['{exp}'] },
  },
];

const unknown: ParityStep[] = [
  { name: 'an unknown v2 route', method: 'GET', path: `${API}/no-such-thing` },
  { name: 'an unknown v3 route', method: 'POST', path: `${V3}/no-such-thing`, body: {} },
  {
    name: 'an ajax-api alias',
    method: 'GET',
    path: '/ajax-api/2.0/mlflow/experiments/get',
    query: { experiment_id: '{exp}' },
  },
  {
    name: 'a body that is not JSON',
    method: 'POST',
    path: `${API}/experiments/create`,
    raw: { contentType: 'application/json', data: '{nope' },
  },
];

// MLflow's webhooks; `{receiver}` is a local HTTP server that answers 200 (the test sets it).
const HOOK_EVENTS = [
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
];
const webhooks: ParityStep[] = [
  {
    name: 'create webhook',
    method: 'POST',
    path: `${API}/webhooks`,
    body: {
      name: 'registry-hook',
      url: '{receiver}',
      events: HOOK_EVENTS,
      description: 'CI',
      secret: 's3cret',
    },
    keep: { hook: 'webhook.webhook_id' },
  },
  {
    name: 'create webhook with a bad name',
    method: 'POST',
    path: `${API}/webhooks`,
    body: { name: 'bad name!', url: '{receiver}', events: HOOK_EVENTS },
  },
  {
    name: 'create webhook for an action its entity lacks',
    method: 'POST',
    path: `${API}/webhooks`,
    body: { name: 'h2', url: '{receiver}', events: [{ entity: 'MODEL_VERSION', action: 'DELETED' }] },
  },
  {
    name: 'create webhook without events',
    method: 'POST',
    path: `${API}/webhooks`,
    body: { name: 'h3', url: '{receiver}' },
  },
  {
    name: 'create webhook with an ftp URL',
    method: 'POST',
    path: `${API}/webhooks`,
    body: { name: 'h4', url: 'ftp://example.com/x', events: HOOK_EVENTS },
  },
  {
    name: 'create webhook with a numeric name',
    method: 'POST',
    path: `${API}/webhooks`,
    body: { name: 5, url: '{receiver}', events: HOOK_EVENTS },
  },
  { name: 'get webhook', method: 'GET', path: `${API}/webhooks/{hook}` },
  {
    name: 'get a missing webhook',
    method: 'GET',
    path: `${API}/webhooks/00000000-0000-4000-8000-000000000000`,
  },
  { name: 'list webhooks', method: 'GET', path: `${API}/webhooks` },
  {
    name: 'list webhooks, a page of one',
    method: 'GET',
    path: `${API}/webhooks`,
    query: { max_results: '1' },
  },
  {
    name: 'update webhook',
    method: 'PATCH',
    path: `${API}/webhooks/{hook}`,
    body: { status: 'DISABLED', description: 'paused' },
  },
  { name: 'test webhook', method: 'POST', path: `${API}/webhooks/{hook}/test`, body: {} },
  {
    name: 'test webhook with another event',
    method: 'POST',
    path: `${API}/webhooks/{hook}/test`,
    body: { event: { entity: 'REGISTERED_MODEL', action: 'CREATED' } },
  },
  { name: 'delete webhook', method: 'DELETE', path: `${API}/webhooks/{hook}` },
  { name: 'get a deleted webhook', method: 'GET', path: `${API}/webhooks/{hook}` },
];

export const paritySteps: ParityStep[] = [
  ...experiments,
  ...runs,
  ...registry,
  ...webhooks,
  ...loggedModels,
  ...artifacts,
  ...traces,
  ...datasets,
  ...unknown,
  {
    name: 'delete experiment',
    method: 'POST',
    path: `${API}/experiments/delete`,
    body: { experiment_id: '{located}' },
  },
  {
    name: 'restore experiment',
    method: 'POST',
    path: `${API}/experiments/restore`,
    body: { experiment_id: '{located}' },
  },
];
