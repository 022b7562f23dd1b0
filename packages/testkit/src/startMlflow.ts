import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { engineBinary, mlflowPython } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface MlflowServer extends AsyncDisposable {
  /** The tracking URI: REST API under /api/2.0/mlflow. */
  url: string;
  version: string;
  /** The virtualenv's python, which has the mlflow client, for peer tests. */
  python: string;
  stop(): Promise<void>;
}

/**
 * A real `mlflow server` on a free loopback port, its artifacts proxied. Runs go to a scratch
 * SQLite file unless `backendStoreUri` names another store (the benchmark's PostgreSQL);
 * artifacts to a scratch folder unless `artifactsDestination` names another (`s3://bucket`,
 * with `env` saying where and as whom).
 */
export async function startMlflow(
  options: {
    backendStoreUri?: string;
    artifactsDestination?: string;
    workers?: number;
    env?: Record<string, string>;
  } = {},
): Promise<MlflowServer> {
  const mlflow = engineBinary('mlflow');
  const scratch = scratchDir('mlflow');
  const port = await freePort();
  const proc = new EngineProcess({
    name: 'mlflow',
    command: mlflow,
    args: [
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      String(options.workers ?? 1),
      '--backend-store-uri',
      options.backendStoreUri ?? `sqlite:///${path.join(scratch.dir, 'mlflow.db')}`,
      '--artifacts-destination',
      options.artifactsDestination ?? path.join(scratch.dir, 'artifacts'),
    ],
    cwd: scratch.dir,
    ...(options.env ? { env: options.env } : {}),
  });
  proc.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor('mlflow', async () => (await fetch(`${url}/health`)).ok, {
    timeoutMs: 240_000,
    intervalMs: 250,
    isAlive: proc.exitReason,
  });
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  return {
    url,
    version: execFileSync(mlflow, ['--version']).toString().trim(),
    python: mlflowPython(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
