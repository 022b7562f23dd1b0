import { startPostgres } from '@jarvis/testkit';
import { afterAll } from 'vitest';
import { workflowEngineContract } from './workflowEngineContract.ts';
import { workflowHarness } from './workflowHarness.ts';

const postgres = startPostgres();
afterAll(async () => {
  await (await postgres).destroy();
});

workflowEngineContract(
  'local engine',
  () => workflowHarness({}),
  async () => {
    const { url } = await postgres;
    const harness = () => workflowHarness({ database: { url } });
    return { first: harness, again: harness };
  },
);
