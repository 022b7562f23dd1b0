import { randomBytes } from 'node:crypto';
import { Client } from 'minio';
import { engineBinary } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface MinioServer extends AsyncDisposable {
  endpoint: string;
  /** Where MinIO keeps objects on disk (tests read bytes where they rest). */
  dataDir: string;
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** A `minio` client signed in as the root user. */
  client(): Client;
  stop(): Promise<void>;
}

export interface MinioOptions {
  /** Give MinIO a built-in KMS key, so it can encrypt objects at rest (SSE-S3). */
  kms?: boolean;
}

export async function startMinio(options: MinioOptions = {}): Promise<MinioServer> {
  const scratch = scratchDir('minio');
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = 'jarvis-test';
  const secretKey = 'jarvis-test-secret';
  const proc = new EngineProcess({
    name: 'minio',
    command: engineBinary('minio'),
    args: [
      'server',
      scratch.dir,
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      '--quiet',
    ],
    env: {
      MINIO_ROOT_USER: accessKey,
      MINIO_ROOT_PASSWORD: secretKey,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
      ...(options.kms
        ? { MINIO_KMS_SECRET_KEY: `jarvis-test-key:${randomBytes(32).toString('base64')}` }
        : {}),
    },
  });
  proc.start();
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('minio', async () => (await fetch(`${endpoint}/minio/health/ready`)).ok, {
    isAlive: proc.exitReason,
  });
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  const client = () => new Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey, secretKey });
  return {
    endpoint,
    dataDir: scratch.dir,
    host: '127.0.0.1',
    port,
    accessKey,
    secretKey,
    client,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
