import { gql, jarvisFromFile, startMlflow, tcpProxy, testJarvis } from '@jarvis/testkit';
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

  const counted = await gql<{ experiments: { totalCount: number }; searchRuns: { totalCount: number } }>(
    fetch,
    `{ experiments { totalCount } searchRuns(experimentIds: ["${exp.data!.createExperiment.id}"], first: 1) { totalCount } }`,
  );
  expect(counted.data).toEqual({ experiments: { totalCount: 1 }, searchRuns: { totalCount: 1 } });

  const read = await gql<{ modelVersionByAlias: { version: number; run: { id: string } } }>(
    fetch,
    '{ modelVersionByAlias(name: "on-mlflow-model", alias: "champion") { version run { id } } }',
  );
  expect(read.data!.modelVersionByAlias).toEqual({ version: 1, run: { id: runId } });
});

it('registry_uri and artifacts_uri from jarvis.yaml: models go to the registry server, experiments get their artifact root', async () => {
  await using mlflow = await startMlflow();
  // Two doors to one MLflow, so the test sees which one each call takes.
  await using tracking = await tcpProxy(mlflow.url);
  await using registry = await tcpProxy(mlflow.url);
  await using jarvis = await jarvisFromFile(`
database: { url: "pglite:memory" }
log: { level: silent }
services:
  experiment:
    type: mlflow
    tracking_uri: ${tracking.url}
    registry_uri: ${registry.url}
    artifacts_uri: s3://jarvis-artifacts/mlflow
`);
  const fetch = jarvis.router.fetch;
  const exp = await gql<{ createExperiment: { id: string; artifactLocation: string } }>(
    fetch,
    'mutation { createExperiment(name: "with-root") { id artifactLocation } }',
  );
  expect(exp.errors).toBeUndefined();
  const { id, artifactLocation } = exp.data!.createExperiment;
  expect(artifactLocation).toMatch(/^s3:\/\/jarvis-artifacts\/mlflow\/[0-9a-f-]{36}$/);
  const onMlflow = (await (
    await globalThis.fetch(`${mlflow.url}/api/2.0/mlflow/experiments/get?experiment_id=${id}`)
  ).json()) as { experiment: { artifact_location: string } };
  expect(onMlflow.experiment.artifact_location).toBe(artifactLocation);

  tracking.dropConnections();
  registry.dropConnections();
  const [viaTracking, viaRegistry] = [tracking.connections(), registry.connections()];
  const model = await gql(fetch, 'mutation { createRegisteredModel(name: "routed") { name } }');
  expect(model.errors).toBeUndefined();
  expect(registry.connections()).toBeGreaterThan(viaRegistry);
  expect(tracking.connections()).toBe(viaTracking);

  const health = await gql<{ health: { name: string; status: string }[] }>(
    fetch,
    '{ health { name status } }',
  );
  expect(health.data!.health).toEqual(
    expect.arrayContaining([
      { name: 'mlflow', status: 'UP' },
      { name: 'mlflow-registry', status: 'UP' },
    ]),
  );
});
