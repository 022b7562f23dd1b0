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
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mlflowPython, startMinio, startPostgres } from '@jarvis/testkit';
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
try {
  const env = { JARVIS_URL: jarvis.url, PYTHONPATH: SDK_SOURCE };
  const sdk = await python(SDK_PYTHON, 'sdk_log_metrics.py', [String(POINTS)], env);
  const mlflow = await python(mlflowPython(), 'mlflow_log_batch.py', [String(POINTS)], {
    MLFLOW_TRACKING_URI: jarvis.url,
  });
  const sdkRate = POINTS / sdk.seconds;
  const mlflowRate = POINTS / mlflow.seconds;
  console.log(
    `log_metrics, ${POINTS} points through the same Jarvis (${postgres ? 'PostgreSQL' : 'PGlite'})`,
  );
  console.log(`  jarvis SDK run.log_metrics       ${Math.round(sdkRate)} points/s`);
  console.log(`  mlflow client log_batch (1,000)  ${Math.round(mlflowRate)} points/s`);
  console.log(`  SDK / mlflow                     ${(sdkRate / mlflowRate).toFixed(2)}`);

  const file = path.join(dir, 'upload.bin');
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < MB; i++) await handle.write(chunk.fill(i % 251));
  await handle.close();
  const upload = await python(SDK_PYTHON, 'sdk_upload.py', [file], env);
  const direct = await python(
    SDK_PYTHON,
    'minio_upload.py',
    [file, minio.endpoint, minio.accessKey, minio.secretKey],
    {},
  );
  const mbps = (r: { seconds: number }) => MB / r.seconds;
  console.log(`upload of ${MB} MiB`);
  console.log(`  jarvis SDK store_artifact        ${mbps(upload).toFixed(1)} MB/s`);
  console.log(`  minio client fput_object         ${mbps(direct).toFixed(1)} MB/s`);
  console.log(`  SDK / minio                      ${(mbps(upload) / mbps(direct)).toFixed(2)}`);
  console.log(`jarvis peak RSS ${Math.round(jarvis.peakRssMb())} MB`);
} finally {
  await jarvis.stop();
  rmSync(dir, { recursive: true, force: true });
}
