import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gql, servedJarvis, startMinio, tcpProxy } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadUserInputError,
  ChecksumMismatchError,
  JarvisNetworkError,
  NotFoundError,
  RunDetailsDocument,
  type TransferProgress,
  TSAIComponent,
  WatchWorkflowDocument,
  type WorkflowEvent,
} from '../src/index.ts';

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const STORES = [
  { name: 'local folder', start: async () => ({ storage: {}, stop: async () => {} }) },
  {
    name: 'MinIO, parts sent to presigned URLs',
    start: async () => {
      const minio = await startMinio();
      return {
        storage: {
          type: 's3' as const,
          endpoint: minio.endpoint,
          access_key: minio.accessKey,
          secret_key: minio.secretKey,
        },
        stop: () => minio.stop(),
      };
    },
  },
];

describe.each(STORES)('TSAIComponent storage on the $name', ({ start }) => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let stopStore: () => Promise<void> = async () => {};
  let dir: string;
  beforeAll(async () => {
    const store = await start();
    stopStore = store.stop;
    jarvis = await servedJarvis({ services: { storage: store.storage } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-sdk-'));
  });
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    await stopStore();
    rmSync(dir, { recursive: true, force: true });
  });
  it('stores a file with progress and retrieves it by name@alias, checksum verified; a stream too', async () => {
    await using component = new TSAIComponent('toolchain', { url: jarvis.url });
    const bytes = randomBytes(11 * MiB + 123);
    const file = path.join(dir, 'weights.bin');
    writeFileSync(file, bytes);
    const seen: TransferProgress[] = [];
    const stored = await component.storeModel(file, {
      name: 'models/detector.bin',
      alias: 'candidate',
      metadata: { framework: 'onnx' },
      partSize: 5 * MiB,
      onProgress: (p) => seen.push(p),
    });
    expect(stored).toMatchObject({
      name: 'models/detector.bin',
      version: 1,
      kind: 'MODEL',
      size: bytes.length,
      sha256: sha256(bytes),
      component: 'toolchain',
      metadata: { framework: 'onnx' },
      aliases: expect.arrayContaining(['candidate', 'latest']),
    });
    expect(seen.at(0)).toMatchObject({ bytes: 0, total: bytes.length, resumed: 0 });
    expect(seen.at(-1)).toEqual({
      bytes: bytes.length,
      total: bytes.length,
      resumed: 0,
      parts: 3,
      partsDone: 3,
    });
    expect(seen.every((p, i) => i === 0 || p.bytes >= 0)).toBe(true);

    const out = path.join(dir, 'out', 'detector.bin');
    expect(await component.retrieveArtifact('models/detector.bin@candidate', out)).toBe(out);
    expect(sha256(readFileSync(out))).toBe(sha256(bytes));
    // Into a folder, under its own name; by id; by version.
    const folder = path.join(dir, 'by-id');
    expect(await component.retrieveArtifact(stored.id, path.join(dir, 'x'))).toBe(path.join(dir, 'x'));
    rmSync(path.join(dir, 'x'));
    await component.retrieveArtifact('models/detector.bin@v1', `${folder}/`);
    expect(readdirSync(folder)).toEqual(['detector.bin']);

    const streamed = await component.storeArtifact(
      Readable.from([Buffer.from('frame-1\n'), Buffer.from('frame-2\n')]),
      {
        name: 'logs/frames.txt',
        kind: 'LOG',
        contentType: 'text/plain',
      },
    );
    expect(streamed).toMatchObject({ size: 16, kind: 'LOG', contentType: 'text/plain' });
    const listed = await component.listArtifacts({ component: 'toolchain' });
    expect(listed.map((a) => a.name).sort()).toEqual(['logs/frames.txt', 'models/detector.bin']);
  });

  it('an interrupted multipart upload leaves no artifact, and storing the file again sends only the missing parts', async () => {
    await using component = new TSAIComponent('spotlight', { url: jarvis.url });
    // Six parts (5 MiB × 5 and 1 MiB) on four lanes: once the first part is confirmed, the two
    // that never started cannot have arrived, however fast the others are.
    const bytes = randomBytes(26 * MiB);
    const file = path.join(dir, 'match.mp4');
    writeFileSync(file, bytes);
    const abort = new AbortController();
    const interrupted = component.storeArtifact(file, {
      kind: 'MEDIA',
      partSize: 5 * MiB,
      onProgress: (p) => {
        // Cut off once Jarvis (or S3) has confirmed a part, with others in flight.
        if (p.partsDone >= 1) abort.abort(new Error('network gone'));
      },
      signal: abort.signal,
    });
    await expect(interrupted).rejects.toThrow('network gone');
    expect(await component.listArtifacts({ namePrefix: 'match.mp4' })).toEqual([]);

    const seen: TransferProgress[] = [];
    const stored = await component.storeArtifact(file, {
      kind: 'MEDIA',
      partSize: 5 * MiB,
      onProgress: (p) => seen.push(p),
    });
    expect(stored).toMatchObject({ name: 'match.mp4', version: 1, sha256: sha256(bytes) });
    const resumed = seen.at(-1)!.resumed;
    // Whichever parts had arrived whole were not sent again.
    expect(resumed).toBeGreaterThan(0);
    expect(resumed).toBeLessThanOrEqual(4 * 5 * MiB);
    expect(resumed % MiB).toBe(0);
    expect(seen.find((p) => p.resumed > 0)).toMatchObject({ bytes: resumed, parts: 6 });
    expect(seen.find((p) => p.resumed > 0)!.partsDone).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toMatchObject({ partsDone: 6 });
    expect(seen.at(-1)!.bytes).toBe(bytes.length);
    const back = path.join(dir, 'match-back.mp4');
    await component.retrieveArtifact(stored.id, back);
    expect(readFileSync(back).equals(bytes)).toBe(true);
  });
});

describe('TSAIComponent against a served jarvis dev', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let dir: string;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-sdk-home-'));
    jarvis = await servedJarvis({ home });
    dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-sdk-'));
  });
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  it('a download whose bytes do not match the checksum is refused and leaves no file', async () => {
    await using component = new TSAIComponent('spotlight', { url: jarvis.url });
    const bytes = randomBytes(64 * 1024);
    const file = path.join(dir, 'clip.bin');
    writeFileSync(file, bytes);
    const stored = await component.storeArtifact(file, { kind: 'MEDIA' });
    // Bit rot on the store's disk: same size, one byte flipped.
    const blob = path.join(home, 'blobs', 'sha256', stored.sha256.slice(0, 2), stored.sha256);
    const damaged = readFileSync(blob);
    damaged[1000] = damaged[1000]! ^ 0xff;
    writeFileSync(blob, damaged);
    const target = path.join(dir, 'damaged', 'clip.bin');
    const download = component.retrieveArtifact(stored.id, target);
    await expect(download).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(download).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      extensions: { expected: stored.sha256 },
    });
    expect(readdirSync(path.dirname(target))).toEqual([]);
  });

  it('errors are typed exceptions with the GraphQL code, and say what is wrong', async () => {
    await using component = new TSAIComponent('toolchain', { url: jarvis.url });
    const missing = component.retrieveArtifact('models/nothing@production', path.join(dir, 'nothing'));
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(path.join(dir, 'nothing'))).toBe(false);
    await expect(component.workflowStatus('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const run = await component.startExperiment('sdk-errors', { lr: 0.01 });
    const overwrite = run.logParams({ lr: 0.1 });
    await expect(overwrite).rejects.toBeInstanceOf(BadUserInputError);
    await run.end('FINISHED');
    expect(() => run.logMetrics({ late: 1 })).toThrow(/has ended/);
    await expect(component.cancelWorkflow('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );

    const offline = new TSAIComponent('toolchain', { url: 'http://127.0.0.1:9' });
    const unreachable = offline.listArtifacts();
    await expect(unreachable).rejects.toBeInstanceOf(JarvisNetworkError);
    await expect(unreachable).rejects.toThrow(/cannot reach Jarvis at http:\/\/127\.0\.0\.1:9 .*jarvis dev/);
    await offline.close();
  });

  it('logMetrics batches in the background; no point is lost on close() or logged twice when answers are lost', async () => {
    // Two logMetrics answers are lost after Jarvis stored the batch: the retries carry the same key.
    let lose = 2;
    let batches = 0;
    const flaky = async (request: Request) => {
      const isBatch = (await request.clone().text()).includes('"operationName":"LogMetrics"');
      const response = await fetch(request);
      if (isBatch) batches++;
      if (isBatch && lose > 0) {
        lose--;
        await response.body?.cancel();
        throw new TypeError('fetch failed', { cause: new Error('read ECONNRESET') });
      }
      return response;
    };
    await using component = new TSAIComponent('toolchain', { url: jarvis.url, fetch: flaky });
    const run = await component.startExperiment(
      'hockey-role-classification',
      { lr: 0.001, epochs: 2500 },
      { flushIntervalMs: 50 },
    );
    for (let step = 1; step <= 2500; step++) run.logMetrics({ loss: 1 / step, accuracy: step / 2500 }, step);
    await run.setTags({ stage: 'smoke' });
    for (let step = 2501; step <= 2600; step++) run.logMetric('loss', 1 / step, step);
    await run.close();

    const { data } = await gql<{
      run: {
        status: string;
        loss: { step: number }[];
        accuracy: { step: number }[];
        params: unknown[];
        tags: { key: string; value: string }[];
        system: { runtime: string; host: string };
      };
    }>(
      jarvis.url,
      `query($id: ID!) { run(id: $id) { status loss: metricHistory(key: "loss") { step } accuracy: metricHistory(key: "accuracy") { step }
        params { key value } tags { key value } system { runtime host } } }`,
      { id: run.id },
    );
    expect(data!.run.loss).toHaveLength(2600);
    expect(new Set(data!.run.loss.map((p) => p.step)).size).toBe(2600);
    expect(data!.run.accuracy).toHaveLength(2500);
    expect(data!.run.params).toEqual(
      expect.arrayContaining([
        { key: 'epochs', value: '2500' },
        { key: 'lr', value: '0.001' },
      ]),
    );
    expect(data!.run.tags).toEqual(
      expect.arrayContaining([
        { key: 'stage', value: 'smoke' },
        { key: 'component', value: 'toolchain' },
      ]),
    );
    expect(data!.run.system.runtime).toBe(`node ${process.versions.node}`);
    expect(data!.run.status).toBe('RUNNING');
    expect(lose).toBe(0);
    // 5,000 + 100 points in batches of up to 10,000 (columns), not one request per point.
    expect(batches).toBeLessThan(40);
    await run.end('FINISHED');

    // bestModel, registerModel and compareRuns over two runs.
    const other = await component.startExperiment('hockey-role-classification', { lr: 0.01, epochs: 1 });
    other.logMetrics({ accuracy: 0.5 }, 1);
    const weights = path.join(dir, 'best.onnx');
    writeFileSync(weights, 'onnx weights');
    const model = await component.storeModel(weights, { runId: run.id });
    await other.end();
    const best = await component.bestModel('hockey-role-classification', 'accuracy');
    expect(best).toMatchObject({ run: { id: run.id }, value: 1, artifact: { id: model.id } });
    const version = await component.registerModel('hockey-role-classifier', {
      artifactId: best!.artifact!.id,
      runId: best!.run.id,
      alias: 'champion',
    });
    expect(version).toMatchObject({ version: 1, runId: run.id, artifactId: model.id, aliases: ['champion'] });
    // Registering the same artifact again is the same version.
    expect(
      await component.registerModel('hockey-role-classifier', { artifactId: model.id, runId: run.id }),
    ).toMatchObject({ version: 1 });
    const comparison = await component.compareRuns([run.id, other.id]);
    expect(comparison.params).toEqual(expect.arrayContaining([{ key: 'lr', values: ['0.001', '0.01'] }]));
    expect(comparison.metrics).toEqual(expect.arrayContaining([{ key: 'accuracy', values: [1, 0.5] }]));
  });

  it('logMetrics keeps a NaN (a diverged loss) and stores infinities as MLflow does', async () => {
    await using component = new TSAIComponent('toolchain', { url: jarvis.url });
    const run = await component.startExperiment('diverged', { lr: 10 });
    run.logMetrics({ loss: 0.5, grad: Number.POSITIVE_INFINITY }, 0);
    run.logMetrics({ loss: Number.NaN, grad: Number.NEGATIVE_INFINITY }, 1);
    await run.end();
    const { data, errors } = await gql<{
      run: {
        loss: { step: number; value: number | null; isNan: boolean }[];
        grad: { step: number; value: number }[];
      };
    }>(
      jarvis.url,
      'query($id: ID!) { run(id: $id) { loss: metricHistory(key: "loss") { step value isNan } grad: metricHistory(key: "grad") { step value } } }',
      { id: run.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.run.loss).toEqual([
      { step: 0, value: 0.5, isNan: false },
      { step: 1, value: null, isNan: true },
    ]);
    expect(data!.run.grad).toEqual([
      { step: 0, value: Number.MAX_VALUE },
      { step: 1, value: -Number.MAX_VALUE },
    ]);
  });

  it('watchWorkflow follows a run live, each event once and in order, across dropped connections', async () => {
    await using proxy = await tcpProxy(jarvis.url);
    await using component = new TSAIComponent('toolchain', { url: proxy.url });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await component.createWorker(
      {
        count: async (input: { to: number }, ctx) => {
          for (let i = 1; i <= input.to; i++) {
            await ctx.progress(i / input.to, `counted ${i}`);
            if (i === 3) await gate;
          }
          return { counted: input.to };
        },
      },
      { taskQueue: 'sdk-watch' },
    );
    await component.registerWorkflow({
      name: 'sdk-watch',
      taskQueue: 'sdk-watch',
      steps: [{ id: 'count', activity: 'count', input: { to: '$input.to' } }],
      output: { counted: '$steps.count.output.counted' },
    });
    const started = await component.startWorkflow('sdk-watch', { to: 6 });
    const events: WorkflowEvent[] = [];
    const watching = (async () => {
      for await (const event of component.watchWorkflow(started.id)) {
        events.push(event);
        if (event.message === 'counted 3') {
          // Every connection through the proxy is cut (the worker's polls and the WebSocket).
          proxy.dropConnections();
          setTimeout(release, 300);
        }
      }
    })();
    await watching;
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'STEP_PROGRESS').map((e) => e.message)).toEqual([
      'counted 1',
      'counted 2',
      'counted 3',
      'counted 4',
      'counted 5',
      'counted 6',
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_COMPLETED',
      run: { status: 'COMPLETED', result: { counted: 6 } },
    });
    expect(proxy.connections()).toBeGreaterThan(2);
    // A late subscriber that already has the first three events asks for the rest only.
    const rest = component.client.subscribe(WatchWorkflowDocument, { id: started.id, after: 3 });
    expect((await rest.next()).value?.workflowRunEvents.sequence).toBe(4);
    await rest.return?.();
    const status = await component.workflowStatus(started.id);
    expect(status).toMatchObject({
      status: 'COMPLETED',
      steps: [{ stepId: 'count', status: 'COMPLETED', output: { counted: 6 } }],
    });
  });
});

it('every SDK and worker operation runs on a router that accepts trusted documents only', async () => {
  await using jarvis = await servedJarvis({ router: { documents: { accept: 'trusted' } } });
  // A raw document is refused, so whatever passes below went by a registered id.
  const raw = await gql(jarvis.url, '{ experiments { edges { node { id } } } }');
  expect(raw.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OPERATION_NOT_TRUSTED' });

  await using component = new TSAIComponent('toolchain', { url: jarvis.url });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-sdk-trusted-'));
  try {
    const run = await component.startExperiment('trusted-only', { lr: 0.01 });
    await component.createWorker(
      {
        fit: async (input: { epochs: number }, ctx) => {
          for (let epoch = 1; epoch <= input.epochs; epoch++)
            await ctx.run.logMetric('loss', 1 / epoch, epoch);
          return { epochs: input.epochs };
        },
      },
      { taskQueue: 'trusted' },
    );
    await component.registerWorkflow({
      name: 'trusted-fit',
      taskQueue: 'trusted',
      steps: [{ id: 'fit', activity: 'fit', input: { epochs: '$input.epochs' } }],
    });
    const started = await component.startWorkflow('trusted-fit', { epochs: 3 }, { run });
    const types: string[] = [];
    for await (const event of component.watchWorkflow(started.id)) types.push(event.type);
    expect(types.at(-1)).toBe('RUN_COMPLETED');
    run.logMetrics({ accuracy: 0.9 });
    const file = path.join(dir, 'model.bin');
    writeFileSync(file, randomBytes(6 * MiB));
    const model = await component.storeModel(file, { runId: run.id, partSize: 5 * MiB });
    await run.end();
    await component.retrieveArtifact(`${model.name}@latest`, path.join(dir, 'back.bin'));
    const best = await component.bestModel('trusted-only', 'accuracy');
    await component.registerModel('trusted-model', {
      artifactId: best!.artifact!.id,
      runId: run.id,
      alias: 'champion',
    });
    const { run: details } = await component.client.request(RunDetailsDocument, { id: run.id });
    expect(details?.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 1 / 3, step: 3 },
        { key: 'accuracy', value: 0.9, step: 0 },
      ]),
    );
    expect(details?.status).toBe('FINISHED');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
