import { startPostgres, startTemporal } from '@jarvis/testkit';
import { afterAll } from 'vitest';
import { workflowEngineContract } from './workflowEngineContract.ts';
import { workflowHarness } from './workflowHarness.ts';

const temporal = startTemporal();
const postgres = startPostgres();
afterAll(async () => {
  await (await temporal).stop();
  await (await postgres).destroy();
});

const onTemporal = async (database?: string) =>
  workflowHarness({
    services: { workflow: { type: 'temporal', endpoint: (await temporal).address } },
    ...(database ? { database: { url: database } } : {}),
  });

workflowEngineContract(
  'temporal engine',
  () => onTemporal(),
  async () => {
    const { url } = await postgres;
    return { first: () => onTemporal(url), again: () => onTemporal(url) };
  },
);
