import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MinioServer, servedJarvis, startMinio, startMlflow } from '@jarvis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Answer, compareAnswers } from './parity/compareResponses.ts';
import { knownDifferences } from './parity/knownDifferences.ts';
import { type ParityStep, paritySteps } from './parity/paritySteps.ts';

type Kept = Map<string, string>;

const fill = (text: string, kept: Kept) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => kept.get(name) ?? whole);

function dig(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], body);
}

async function call(base: string, step: ParityStep, kept: Kept): Promise<Answer> {
  const url = new URL(fill(step.path, kept), base);
  for (const [key, value] of Object.entries(step.query ?? {}))
    for (const one of [value].flat()) url.searchParams.append(key, fill(one, kept));
  const body = step.raw
    ? typeof step.raw.data === 'string'
      ? fill(step.raw.data, kept)
      : step.raw.data
    : step.body === undefined
      ? undefined
      : fill(JSON.stringify(step.body), kept);
  const response = await fetch(url, {
    method: step.method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': step.raw?.contentType ?? 'application/json' }),
      ...Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, fill(v, kept)])),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  for (const [name, header] of Object.entries(step.keepHeaders ?? {})) {
    const value = response.headers.get(header);
    if (value) kept.set(name, value.replaceAll('"', ''));
  }
  for (const [name, path] of Object.entries(step.keep ?? {})) {
    const value = dig(parsed, path);
    if (typeof value === 'string') kept.set(name, value);
  }
  return { status: response.status, body: parsed };
}

let minio: MinioServer;
let receiver: Server;
let mlflow: Awaited<ReturnType<typeof startMlflow>>;
let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
const answers = new Map<string, { mlflow: Answer; jarvis: Answer }>();

beforeAll(async () => {
  // MLflow's artifacts in S3 (MinIO), as in production: its server then serves multipart
  // uploads and presigned downloads too.
  minio = await startMinio();
  await minio.client().makeBucket('mlflow-parity');
  [mlflow, jarvis] = await Promise.all([
    startMlflow({
      artifactsDestination: 's3://mlflow-parity/artifacts',
      env: {
        // Webhooks to the local receiver, as MLflow's docs set it up for local development.
        MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https',
        MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
        AWS_ACCESS_KEY_ID: minio.accessKey,
        AWS_SECRET_ACCESS_KEY: minio.secretKey,
        MLFLOW_S3_ENDPOINT_URL: minio.endpoint,
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    }),
    // Jarvis on the same MinIO, a bucket of its own: both servers then advertise direct transfers.
    servedJarvis({
      services: {
        storage: {
          type: 's3',
          endpoint: minio.endpoint,
          access_key: minio.accessKey,
          secret_key: minio.secretKey,
          buckets: ['jarvis-parity'],
        },
      },
    }),
  ]);
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('received'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  const keptBy = { mlflow: new Map<string, string>(), jarvis: new Map<string, string>() };
  for (const kept of Object.values(keptBy)) kept.set('receiver', `http://127.0.0.1:${port}/hook`);
  // In order, the same calls on both: later steps use what earlier ones created.
  for (const step of paritySteps) {
    answers.set(step.name, {
      mlflow: await call(mlflow.url, step, keptBy.mlflow),
      jarvis: await call(jarvis.url, step, keptBy.jarvis),
    });
  }
}, 300_000);
afterAll(async () => {
  await Promise.all([mlflow?.stop(), jarvis?.[Symbol.asyncDispose]()]);
  await minio?.stop();
  receiver?.close();
});

it('every step name is unique, and every known difference names a step', () => {
  const names = paritySteps.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  const stale = Object.keys(knownDifferences).filter(
    (k) => k.split(' $')[0] !== '*' && !names.includes(k.split(' $')[0]!),
  );
  expect(stale).toEqual([]);
});

it.each(paritySteps.map((s) => [s.name]))('%s: Jarvis answers as MLflow does', (name) => {
  const { mlflow: theirs, jarvis: ours } = answers.get(name)!;
  // A known difference names a step, a step and a JSON path, or `*` and a path (any step);
  // paths without list indices (`$.experiments[].workspace`).
  const differences = compareAnswers(theirs, ours).filter((d) => {
    const path = d.split(':')[0]!.replace(/\[\d+\]/g, '[]');
    return !(
      name in knownDifferences ||
      `${name} ${path}` in knownDifferences ||
      `* ${path}` in knownDifferences
    );
  });
  const bodies = `mlflow: ${JSON.stringify(theirs).slice(0, 1500)}\njarvis: ${JSON.stringify(ours).slice(0, 1500)}`;
  expect(differences, `${differences.join('\n')}\n${bodies}`).toEqual([]);
});
