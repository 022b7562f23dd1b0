import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gql, type MinioServer, mlflowPython, servedJarvis, startMinio } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Credential {
  part_number: number;
  url: string;
  headers: Record<string, string>;
}

/**
 * On S3 the server tells the client to go straight to the bucket; on the local store it says
 * no (one streamed request is faster there), and a client that forces it is served all the same.
 */
const BACKENDS = [
  {
    name: 'local store',
    advertised: false,
    storage: () => ({}),
  },
  {
    name: 'MinIO',
    advertised: true,
    storage: (minio: MinioServer) => ({
      type: 's3' as const,
      endpoint: minio.endpoint,
      access_key: minio.accessKey,
      secret_key: minio.secretKey,
    }),
  },
];

describe.each(BACKENDS)("MLflow's multipart uploads and presigned downloads ($name)", (backend) => {
  let minio: MinioServer | undefined;
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let runPath: string;

  const api = (path: string, init: RequestInit = {}) => fetch(`${jarvis.url}${path}`, init);
  const post = (path: string, body: unknown) =>
    api(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const create = async (file: string, parts: number) => {
    const response = await post(`/api/2.0/mlflow-artifacts/mpu/create/${runPath}/big`, {
      path: `/home/me/${file}`,
      num_parts: parts,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { upload_id: string; credentials: Credential[] };
  };
  const put = async (credential: Credential, bytes: Buffer) => {
    // As MLflow's client does: a bare PUT, no credentials but the URL's own.
    const response = await fetch(credential.url, {
      method: 'PUT',
      body: new Uint8Array(bytes),
      headers: credential.headers,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return response.headers.get('etag') ?? '';
  };
  const complete = (file: string, uploadId: string, parts: { part_number: number; etag: string }[] = []) =>
    post(`/api/2.0/mlflow-artifacts/mpu/complete/${runPath}/big`, {
      path: `/home/me/${file}`,
      upload_id: uploadId,
      parts,
    });
  const versions = async (name: string) => {
    const result = await gql<{
      artifacts: { edges: { node: { version: number; size: number; sha256: string } }[] };
    }>(
      jarvis.router.fetch,
      `query($p: String!) { artifacts(filter: { namePrefix: $p }) { edges { node { version size sha256 } } } }`,
      { p: name },
    );
    return result.data!.artifacts.edges.map((e) => e.node);
  };

  beforeAll(async () => {
    if (backend.name === 'MinIO') minio = await startMinio();
    jarvis = await servedJarvis({ services: { storage: backend.storage(minio!) } });
    const experiment = (await (
      await post('/api/2.0/mlflow/experiments/create', { name: 'transfers' })
    ).json()) as {
      experiment_id: string;
    };
    const created = (await (
      await post('/api/2.0/mlflow/runs/create', { experiment_id: experiment.experiment_id })
    ).json()) as { run: { info: { run_id: string } } };
    runPath = `${experiment.experiment_id}/${created.run.info.run_id}/artifacts`;
  }, 120_000);
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    await minio?.stop();
  });

  it('server-info tells the client whether to transfer straight to the store', async () => {
    const info = (await (await api('/api/3.0/mlflow/server-info')).json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      multipart_uploads_enabled: backend.advertised,
      multipart_downloads_enabled: backend.advertised,
    });
  });

  it('the mlflow client uploads a large file in parts and downloads it in ranges, byte for byte', async () => {
    const script = new URL('./python/mlflow_transfers.py', import.meta.url).pathname;
    const { stdout } = await run(mlflowPython(), [script, String(11 * MiB + 12_345)], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MLFLOW_TRACKING_URI: jarvis.url,
        ...(backend.advertised
          ? {}
          : { MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD: 'true', MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD: 'true' }),
        MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE: String(MiB),
        MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE: String(5 * MiB),
        MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE: String(4 * MiB),
      },
      timeout: 180_000,
      maxBuffer: 16 * MiB,
    });
    const flow = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      run_id: string;
      multipart_upload: boolean;
      multipart_download: boolean;
      sent: string;
      received: string;
      size: number;
    };
    // What server-info told the client (or the environment forced): multipart and presigned.
    expect(flow).toMatchObject({ multipart_upload: true, multipart_download: true, size: 11 * MiB + 12_345 });
    expect(flow.received).toBe(flow.sent);
    // One artifact, linked to the run, with the digest of what was sent.
    const artifacts = await gql<{
      run: { artifacts: { edges: { node: { name: string; sha256: string } }[] } };
    }>(
      jarvis.router.fetch,
      `query($id: ID!) { run(id: $id) { artifacts { edges { node { name sha256 } } } } }`,
      { id: flow.run_id },
    );
    expect(artifacts.errors).toBeUndefined();
    expect(artifacts.data!.run.artifacts.edges.map((e) => e.node)).toEqual([
      { name: expect.stringMatching(/\/checkpoints\/epoch=3 weights\.ckpt$/), sha256: flow.sent },
    ]);
  }, 200_000);

  it('parts arrive in any order; nothing is visible until completed; two completions race to one artifact', async () => {
    const bytes = randomBytes(5 * MiB + 999);
    const { upload_id, credentials } = await create('raced.bin', 2);
    expect(credentials.map((c) => c.part_number)).toEqual([1, 2]);
    const tail = await put(credentials[1]!, bytes.subarray(5 * MiB));
    // Interrupted here: no artifact yet.
    expect(await versions(`${runPath}/big/raced.bin`)).toEqual([]);
    const missing = await complete('raced.bin', upload_id);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: /parts 1 of 2/,
    });
    const head = await put(credentials[0]!, bytes.subarray(0, 5 * MiB));
    const parts = [
      { part_number: 1, etag: head },
      { part_number: 2, etag: tail },
    ];
    const answers = await Promise.all([
      complete('raced.bin', upload_id, parts),
      complete('raced.bin', upload_id, parts),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    // One completes it; the other completes it too (a retry) or is told it is being completed.
    expect(statuses[0]).toBe(200);
    for (const answer of answers)
      if (answer.status !== 200) expect(await answer.json()).toMatchObject({ error_code: 'INVALID_STATE' });
    // Completing again answers as the first time did.
    expect((await complete('raced.bin', upload_id, parts)).status).toBe(200);
    expect(await versions(`${runPath}/big/raced.bin`)).toEqual([
      { version: 1, size: bytes.length, sha256: sha256(bytes) },
    ]);
    const back = await api(`/api/2.0/mlflow-artifacts/artifacts/${runPath}/big/raced.bin`);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('an aborted upload keeps nothing and cannot be completed; a part under 5 MiB but the last is refused', async () => {
    const small = await create('small.bin', 2);
    await put(small.credentials[0]!, randomBytes(1000));
    await put(small.credentials[1]!, randomBytes(10));
    const refused = await complete('small.bin', small.upload_id);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(
      /at least 5242880 bytes .*MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE/,
    );
    const abort = await post(`/api/2.0/mlflow-artifacts/mpu/abort/${runPath}/big`, {
      path: 'small.bin',
      upload_id: small.upload_id,
    });
    expect(abort.status).toBe(200);
    const after = await complete('small.bin', small.upload_id);
    expect(after.status).toBe(400);
    expect(await after.json()).toMatchObject({ error_code: 'INVALID_STATE' });
    expect(await versions(`${runPath}/big/small.bin`)).toEqual([]);
  });

  it('bad requests get MLflow errors, never a 5xx', async () => {
    const base = `/api/2.0/mlflow-artifacts/mpu`;
    const cases: [string, unknown, string][] = [
      [`${base}/create/${runPath}`, { num_parts: 2 }, 'INVALID_PARAMETER_VALUE'],
      [`${base}/create/${runPath}`, { path: 'a.bin', num_parts: 0 }, 'INVALID_PARAMETER_VALUE'],
      [`${base}/create/${runPath}`, { path: 'a.bin', num_parts: 10_001 }, 'INVALID_PARAMETER_VALUE'],
      [`${base}/create/${runPath}`, { path: 'a.bin', num_parts: 'two' }, 'INVALID_PARAMETER_VALUE'],
      [`${base}/create/${runPath}`, { path: 7, num_parts: 1 }, 'INVALID_PARAMETER_VALUE'],
      [
        `${base}/create/${runPath}/..%2F..%2Fescape`,
        { path: 'a.bin', num_parts: 1 },
        'INVALID_PARAMETER_VALUE',
      ],
      [`${base}/create/${runPath}`, { path: 'nul\u0000.bin', num_parts: 1 }, 'INVALID_PARAMETER_VALUE'],
      [
        `${base}/complete/${runPath}`,
        { path: 'a.bin', upload_id: 'nope', parts: [] },
        'RESOURCE_DOES_NOT_EXIST',
      ],
      [`${base}/complete/${runPath}`, { path: 'a.bin', parts: [] }, 'INVALID_PARAMETER_VALUE'],
      [
        `${base}/abort/${runPath}`,
        { path: 'a.bin', upload_id: '00000000-0000-4000-8000-000000000000' },
        'RESOURCE_DOES_NOT_EXIST',
      ],
    ];
    for (const [path, body, code] of cases) {
      const response = await post(path, body);
      expect([400, 404], `${path} ${JSON.stringify(body)}`).toContain(response.status);
      expect(await response.json(), `${path} ${JSON.stringify(body)}`).toMatchObject({ error_code: code });
    }
    // Completing someone else's file with this upload id is refused.
    const { upload_id } = await create('mine.bin', 1);
    const other = await complete('theirs.bin', upload_id);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ message: /not .*theirs\.bin/ });
  });

  it('part URLs work only as signed: for that part, that method, not after tampering', async () => {
    const { credentials } = await create('signed.bin', 1);
    const url = new URL(credentials[0]!.url);
    if (backend.name !== 'local store') {
      expect(url.searchParams.has('X-Amz-Signature')).toBe(true);
      return;
    }
    expect(url.pathname).toMatch(/^\/storage\/signed\/uploads\/[0-9a-f-]{36}\/parts\/1$/);
    const tries: [string, string][] = [
      ['GET', url.href],
      ['PUT', url.href.replace('/parts/1?', '/parts/2?')],
      ['PUT', url.href.replace(/project=[^&]+/, 'project=elsewhere')],
      ['PUT', url.href.replace(/signature=[^&]+/, 'signature=AAAA')],
      ['PUT', `${url.origin}${url.pathname}`],
    ];
    for (const [method, href] of tries) {
      const response = await fetch(href, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });
      expect([403, 404, 405], `${method} ${href}`).toContain(response.status);
    }
    // Unsigned, the plain upload path still wants credentials' scope, which local mode grants.
    expect((await fetch(credentials[0]!.url, { method: 'PUT', body: 'fine' })).status).toBe(200);
  });

  it('a presigned download names the size and serves byte ranges without credentials', async () => {
    const bytes = randomBytes(300_000);
    expect(
      (
        await api(`/api/2.0/mlflow-artifacts/artifacts/${runPath}/dl/weights.bin`, {
          method: 'PUT',
          body: bytes,
        })
      ).status,
    ).toBe(200);
    const presigned = (await (
      await api(`/api/2.0/mlflow-artifacts/presigned/${runPath}/dl/weights.bin`)
    ).json()) as {
      url: string;
      headers: Record<string, string>;
      file_size: number;
    };
    expect(presigned.file_size).toBe(bytes.length);
    const range = await fetch(presigned.url, { headers: { ...presigned.headers, range: 'bytes=1000-1999' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const missing = await api(`/api/2.0/mlflow-artifacts/presigned/${runPath}/dl/none.bin`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
