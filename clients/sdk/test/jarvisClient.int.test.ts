import { gql, testJarvis } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import {
  BestRunDocument,
  CreateExperimentDocument,
  CreateRunDocument,
  createJarvisClient,
  ExperimentByNameDocument,
  JarvisRequestError,
  LogBatchDocument,
} from '../src/index.ts';

it('the generated operations run by id on a router that accepts only trusted documents, typed end to end', async () => {
  // No manifest configured: the router registers the generated client's operations itself.
  await using jarvis = await testJarvis({ router: { documents: { accept: 'trusted' } } });
  const client = createJarvisClient({ url: 'http://jarvis.test', fetch: jarvis.router.fetch });

  const { createExperiment } = await client.request(CreateExperimentDocument, {
    name: 'hockey-role-classification',
  });
  const found = await client.request(ExperimentByNameDocument, { name: 'hockey-role-classification' });
  expect(found.experimentByName).toEqual({ id: createExperiment.id, name: 'hockey-role-classification' });

  const { createRun } = await client.request(CreateRunDocument, {
    input: { experimentId: createExperiment.id, name: 'trial-1' },
  });
  await client.request(LogBatchDocument, {
    runId: createRun.id,
    metrics: [{ key: 'accuracy', value: 0.91, step: 1 }],
  });
  const best = await client.request(BestRunDocument, {
    experimentId: createExperiment.id,
    metric: 'accuracy',
  });
  // `value` is `number | null` to the compiler (NaN is null), as the selection says.
  const accuracy: number | null | undefined = best.bestRun?.metrics[0]?.value;
  expect(accuracy).toBe(0.91);

  // Errors come back as exceptions with the GraphQL code.
  const duplicate = await client
    .request(CreateExperimentDocument, { name: 'hockey-role-classification' })
    .catch((e: unknown) => e);
  expect(duplicate).toBeInstanceOf(JarvisRequestError);
  expect((duplicate as JarvisRequestError).code).toBe('CONFLICT');

  // A document that is not the client's is refused in this mode.
  const adHoc = await gql(jarvis.router.fetch, '{ experiments { totalCount } }');
  expect(adHoc.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OPERATION_NOT_TRUSTED' });
});
