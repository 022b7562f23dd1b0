import { gql, startMlflow, testJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';

it('with services.experiment.type mlflow, runs and registered models land on the MLflow server', async () => {
  await using mlflow = await startMlflow();
  await using jarvis = await testJarvis({
    services: { experiment: { type: 'mlflow', tracking_uri: mlflow.url } },
  });
  const fetch = jarvis.router.fetch;
  const exp = await gql<{ createExperiment: { id: string } }>(
    fetch,
    'mutation { createExperiment(name: "on-mlflow") { id } }',
  );
  const run = await gql<{ createRun: { id: string } }>(
    fetch,
    `mutation { createRun(input: { experimentId: "${exp.data!.createExperiment.id}", name: "r" }) { id } }`,
  );
  const runId = run.data!.createRun.id;
  await gql(fetch, `mutation { logMetric(runId: "${runId}", key: "acc", value: 0.93, step: 1) { id } }`);
  await gql(fetch, 'mutation { createRegisteredModel(name: "on-mlflow-model") { name } }');
  const version = await gql<{ createModelVersion: { version: number } }>(
    fetch,
    `mutation { createModelVersion(input: { name: "on-mlflow-model", source: "s3://models/on-mlflow/1", runId: "${runId}" }) { version } }`,
  );
  expect(version.errors).toBeUndefined();
  await gql(
    fetch,
    'mutation { setModelAlias(name: "on-mlflow-model", alias: "champion", version: 1) { version } }',
  );

  // What MLflow itself says, through its own API.
  const ask = async (path: string) => (await globalThis.fetch(`${mlflow.url}/api/2.0/mlflow/${path}`)).json();
  const mlflowRun = (await ask(`runs/get?run_id=${runId}`)) as {
    run: { data: { metrics: { key: string; value: number }[] } };
  };
  expect(mlflowRun.run.data.metrics).toMatchObject([{ key: 'acc', value: 0.93 }]);
  const byAlias = (await ask('registered-models/alias?name=on-mlflow-model&alias=champion')) as {
    model_version: { version: string; run_id: string };
  };
  expect(byAlias.model_version).toMatchObject({ version: '1', run_id: runId });

  const read = await gql<{ modelVersionByAlias: { version: number; run: { id: string } } }>(
    fetch,
    '{ modelVersionByAlias(name: "on-mlflow-model", alias: "champion") { version run { id } } }',
  );
  expect(read.data!.modelVersionByAlias).toEqual({ version: 1, run: { id: runId } });
});
