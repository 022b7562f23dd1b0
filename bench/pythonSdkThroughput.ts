/**
 * The Python SDK against the peers issue 19 names, side by side on one `jarvis dev` process:
 *   log_metrics   the SDK's run.log_metrics (background batches) vs the official mlflow client's
 *                 log_batch (1,000 points a call) against the same Jarvis: points/s (goal >= 2x)
 *   upload        store_artifact of a file through Jarvis on MinIO (presigned parts straight to
 *                 MinIO) vs MinIO's own Python client to the same MinIO: MB/s (goal >= 0.9x)
 * Prints each figure, the ratio, and Jarvis's peak RSS.
 *
 *   node bench/pythonSdkThroughput.ts
 *   BENCH_POINTS=100000 BENCH_MB=1024 node bench/pythonSdkThroughput.ts
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mlflowPython, startMinio, startPostgres } from '@jarvis/testkit';
import { compareContenders } from './harness/compareContenders.ts';
import { mlflowCall } from './mlflowRest.ts';
import { startJarvisProcess } from './startJarvisProcess.ts';

const run = promisify(execFile);
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const MB = Number(process.env.BENCH_MB ?? 1024);
const ENGINES = process.env.JARVIS_ENGINES ?? path.join(os.homedir(), '.cache/jarvis/engines');
const SDK_PYTHON = path.join(ENGINES, 'python-sdk-tools/bin/python');
const SDK_SOURCE = fileURLToPath(new URL('../clients/python/src', import.meta.url));
const script = (name: string) => fileURLToPath(new URL(`python/${name}`, import.meta.url));

async function python(bin: string, file: string, args: string[], env: Record<string, string>) {
  const { stdout } = await run(bin, [script(file), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 1_800_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    seconds: number;
    points?: number;
    bytes?: number;
    run_id?: string;
    sha256?: string;
    size?: number;
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-python-sdk-'));
await using minio = await startMinio();
// As a team runs it: PostgreSQL for the metadata (BENCH_DB=pglite for the embedded default).
await using postgres = process.env.BENCH_DB === 'pglite' ? undefined : await startPostgres();
const jarvis = await startJarvisProcess(path.join(dir, 'jarvis'), {
  database: { url: postgres ? postgres.url : 'pglite' },
  services: {
    storage: {
      type: 's3',
      endpoint: minio.endpoint,
      access_key: minio.accessKey,
      secret_key: minio.secretKey,
    },
  },
});
const file = path.join(dir, 'upload.bin');
const handle = await open(file, 'w');
const chunk = Buffer.alloc(1024 * 1024);
const hash = createHash('sha256');
for (let i = 0; i < MB; i++) {
  chunk.fill(i % 251);
  hash.update(chunk);
  await handle.write(chunk);
}
await handle.close();
const sha256 = hash.digest('hex');

/** Every point logged is there to read back through the MLflow API. */
async function checkPoints(result: { run_id?: string }) {
  const history = await mlflowCall<{ metrics?: unknown[] }>(
    jarvis.url,
    'GET',
    `metrics/get-history?run_id=${result.run_id}&metric_key=loss&max_results=${POINTS}`,
  );
  if (history.metrics?.length !== POINTS)
    throw new Error(`run ${result.run_id} holds ${history.metrics?.length} points; ${POINTS} were logged`);
}

interface Python {
  pointsPerSecond: number;
  uploadMBps: number;
}
try {
  const env = { JARVIS_URL: jarvis.url, PYTHONPATH: SDK_SOURCE };
  await compareContenders<Python>({
    title: `Python clients against one Jarvis (${postgres ? 'PostgreSQL' : 'PGlite'}, MinIO): ${POINTS} metric points, a ${MB} MiB upload`,
    contenders: [
      {
        name: 'jarvis-sdk',
        setup: 'the Jarvis Python SDK: run.log_metrics (batched in the background), store_artifact',
        async measure() {
          const logged = await python(SDK_PYTHON, 'sdk_log_metrics.py', [String(POINTS)], env);
          await checkPoints(logged);
          const upload = await python(SDK_PYTHON, 'sdk_upload.py', [file], env);
          if (upload.sha256 !== sha256 || upload.size !== MB * 1024 * 1024)
            throw new Error(`stored ${upload.size} bytes with sha256 ${upload.sha256}; sent ${sha256}`);
          return { pointsPerSecond: POINTS / logged.seconds, uploadMBps: MB / upload.seconds };
        },
      },
      {
        name: 'official-clients',
        setup:
          "mlflow's MlflowClient.log_batch, 1,000 a call (its limit), to the same Jarvis; MinIO's Python fput_object to the same MinIO",
        async measure() {
          const logged = await python(mlflowPython(), 'mlflow_log_batch.py', [String(POINTS)], {
            MLFLOW_TRACKING_URI: jarvis.url,
          });
          await checkPoints(logged);
          const direct = await python(
            SDK_PYTHON,
            'minio_upload.py',
            [file, minio.endpoint, minio.accessKey, minio.secretKey],
            {},
          );
          if (direct.size !== MB * 1024 * 1024) throw new Error(`MinIO holds ${direct.size} bytes`);
          return { pointsPerSecond: POINTS / logged.seconds, uploadMBps: MB / direct.seconds };
        },
      },
    ],
    figures: [
      { label: 'log metrics', unit: 'points/s', better: 'higher', of: (m) => m.pointsPerSecond },
      { label: 'upload', unit: 'MiB/s', better: 'higher', of: (m) => m.uploadMBps },
    ],
  });
  console.log(`jarvis peak RSS ${Math.round(jarvis.peakRssMb())} MB`);
} finally {
  await jarvis.stop();
  rmSync(dir, { recursive: true, force: true });
}
