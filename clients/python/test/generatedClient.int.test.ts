import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('the Python client generated from schema/api.graphql and the operations of both SDKs is fresh', async () => {
  const script = new URL('../../../scripts/generatePythonClient.ts', import.meta.url).pathname;
  const result = await run(process.execPath, [script, '--check'], { timeout: 120_000 }).catch(
    (error: { stderr: string; code: number }) => error,
  );
  expect('code' in result ? result.code : 0, result.stderr).toBe(0);
}, 150_000);
