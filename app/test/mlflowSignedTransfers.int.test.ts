import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { mlflowPython, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/**
 * With API keys on, MLflow's client sends its token to the tracking API but PUTs parts and GETs
 * presigned downloads bare: the signed URLs must be enough there, and nothing else may be.
 */
describe("MLflow's large-file transfers with API keys", () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let mine: string;
  let theirs: string;
  let viewer: string;
  let runPath: string;

  const call = (key: string | undefined, path: string, body?: unknown) =>
    fetch(`${jarvis.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    await identity.createProjectAsOperator('elsewhere');
    mine = (await identity.issueKey({ projectId: 'default', name: 'trainer', role: 'launcher' })).secret;
    theirs = (await identity.issueKey({ projectId: 'elsewhere', name: 'other', role: 'admin' })).secret;
    viewer = (await identity.issueKey({ projectId: 'default', name: 'dashboard', role: 'viewer' })).secret;
    const experiment = (await (
      await call(mine, '/api/2.0/mlflow/experiments/create', { name: 'big' })
    ).json()) as {
      experiment_id: string;
    };
    const created = (await (
      await call(mine, '/api/2.0/mlflow/runs/create', { experiment_id: experiment.experiment_id })
    ).json()) as { run: { info: { run_id: string } } };
    runPath = `${experiment.experiment_id}/${created.run.info.run_id}/artifacts`;
  });
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('the mlflow client, with a token, moves a large file both ways through signed URLs', async () => {
    const script = new URL('../../subgraphs/storage/test/python/mlflow_transfers.py', import.meta.url)
      .pathname;
    const { stdout } = await run(mlflowPython(), [script, String(6 * MiB)], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MLFLOW_TRACKING_URI: jarvis.url,
        MLFLOW_TRACKING_TOKEN: mine,
        // The local store does not advertise them (streaming is faster there); forced, they work.
        MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD: 'true',
        MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD: 'true',
        MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE: String(MiB),
        MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE: String(5 * MiB),
        MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE: String(2 * MiB),
      },
      timeout: 180_000,
      maxBuffer: 16 * MiB,
    });
    const flow = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(flow).toMatchObject({ multipart_upload: true, multipart_download: true, size: 6 * MiB });
    expect(flow.received).toBe(flow.sent);
  }, 200_000);

  it('starting, completing and aborting want the project and a role that may log', async () => {
    const create = (key: string | undefined) =>
      call(key, `/api/2.0/mlflow-artifacts/mpu/create/${runPath}`, { path: 'w.bin', num_parts: 1 });
    expect((await create(undefined)).status).toBe(401);
    expect(await (await create(viewer)).json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    const started = (await (await create(mine)).json()) as {
      upload_id: string;
      credentials: { url: string }[];
    };
    // Another project does not see the upload, whatever its role there.
    for (const step of ['complete', 'abort']) {
      const answer = await call(theirs, `/api/2.0/mlflow-artifacts/mpu/${step}/${runPath}`, {
        path: 'w.bin',
        upload_id: started.upload_id,
        parts: [],
      });
      expect(answer.status).toBe(404);
    }
    // The part URL needs no token; the plain upload path without the signature does.
    const url = new URL(started.credentials[0]!.url);
    expect((await fetch(url, { method: 'PUT', body: randomBytes(100) })).status).toBe(200);
    expect((await fetch(`${url.origin}${url.pathname}`, { method: 'PUT', body: 'x' })).status).toBe(403);
    const unsigned = url.pathname.replace('/storage/signed/', '/storage/');
    expect((await fetch(`${url.origin}${unsigned}`, { method: 'PUT', body: 'x' })).status).toBe(401);
    const done = await call(mine, `/api/2.0/mlflow-artifacts/mpu/complete/${runPath}`, {
      path: 'w.bin',
      upload_id: started.upload_id,
      parts: [{ part_number: 1, etag: '' }],
    });
    expect(done.status).toBe(200);
  });

  it("a presigned download URL reads that artifact only, and another project's presigned path finds nothing", async () => {
    const bytes = randomBytes(1000);
    const put = await fetch(`${jarvis.url}/api/2.0/mlflow-artifacts/artifacts/${runPath}/d/a.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${mine}` },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const presigned = (await (
      await call(mine, `/api/2.0/mlflow-artifacts/presigned/${runPath}/d/a.bin`)
    ).json()) as {
      url: string;
    };
    const got = await fetch(presigned.url);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const elsewhere = presigned.url.replace('project=default', 'project=elsewhere');
    expect((await fetch(elsewhere)).status).toBe(403);
    expect((await call(theirs, `/api/2.0/mlflow-artifacts/presigned/${runPath}/d/a.bin`)).status).toBe(404);
  });
});
