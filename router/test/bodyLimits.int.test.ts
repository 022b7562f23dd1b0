import { readdirSync } from 'node:fs';
import path from 'node:path';
import { testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A body that never ends: only a server that counts as it reads and stops can answer. */
function endless(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(chunk);
    },
  });
}

const request = (method: string, path: string, body: BodyInit | ReadableStream, type = 'application/json') =>
  new Request(`http://jarvis.test${path}`, {
    method,
    body,
    headers: { 'content-type': type },
    duplex: 'half',
  } as RequestInit);

describe('every door has a body limit from configuration, enforced as bytes arrive', () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  beforeAll(async () => {
    jarvis = await testJarvis({
      server: { max_body_bytes: 5_000, max_api_body_bytes: 20_000 },
      services: { storage: { max_upload_bytes: 100_000 } },
    });
  });
  afterAll(() => jarvis[Symbol.asyncDispose]());

  it('GraphQL: 413 naming server.max_body_bytes, also for a body with no length that never ends', async () => {
    for (const body of [JSON.stringify({ query: `{ __typename }${' '.repeat(6_000)}` }), endless()]) {
      const response = await jarvis.router.fetch(request('POST', '/graphql', body));
      expect(response.status).toBe(413);
      const answer = (await response.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(answer.errors[0]!.extensions.code).toBe('LIMIT_EXCEEDED');
      expect(answer.errors[0]!.message).toMatch(/the limit is 5000 \(server\.max_body_bytes\)/);
    }
  });

  it('MLflow REST API: 413 in MLflow’s shape naming server.max_api_body_bytes', async () => {
    const big = JSON.stringify({
      run_id: '0'.repeat(32),
      metrics: Array.from({ length: 1000 }, () => ({ key: 'loss', value: 1, timestamp: 1, step: 1 })),
    });
    expect(big.length).toBeGreaterThan(20_000);
    for (const body of [big, endless()]) {
      const response = await jarvis.router.fetch(request('POST', '/api/2.0/mlflow/runs/log-batch', body));
      expect(response.status).toBe(413);
      const answer = (await response.json()) as { error_code: string; message: string };
      expect(answer.error_code).toBe('RESOURCE_LIMIT_EXCEEDED');
      expect(answer.message).toMatch(/the limit is 20000 \(server\.max_api_body_bytes\)/);
    }
    // Under the limit it is an ordinary request again.
    const small = await jarvis.router.fetch(
      request('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'limits' })),
    );
    expect(small.status).toBe(200);
  });

  it('worker API: 413 naming server.max_api_body_bytes; a body that is not a JSON object is 400', async () => {
    for (const body of [JSON.stringify({ taskQueue: 'q', pad: 'x'.repeat(30_000) }), endless()]) {
      const response = await jarvis.router.fetch(request('POST', '/workflows/worker/poll', body));
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: string }).error).toMatch(/server\.max_api_body_bytes/);
    }
    const notObject = await jarvis.router.fetch(request('POST', '/workflows/worker/poll', '"x"'));
    expect(notObject.status).toBe(400);
  });

  it('MLflow artifact PUT: cut at services.storage.max_upload_bytes with 413, nothing kept or staged', async () => {
    const at = '/api/2.0/mlflow-artifacts/artifacts/0/0123456789abcdef0123456789abcdef/artifacts/big.bin';
    for (const body of [new Uint8Array(150_000), endless()]) {
      const response = await jarvis.router.fetch(request('PUT', at, body, 'application/octet-stream'));
      expect(response.status).toBe(413);
      const answer = (await response.json()) as { error_code: string; message: string };
      expect(answer.error_code).toBe('RESOURCE_LIMIT_EXCEEDED');
      expect(answer.message).toMatch(/the limit is 100000 \(services\.storage\.max_upload_bytes\)/);
    }
    const get = await jarvis.router.fetch(new Request(`http://jarvis.test${at}`));
    expect(get.status).toBe(404);
    const staging = path.join(jarvis.runtime.config.home, 'blobs', 'uploads');
    expect(readdirSync(staging)).toEqual([]);
    const ok = await jarvis.router.fetch(
      request('PUT', at, new Uint8Array(99_000), 'application/octet-stream'),
    );
    expect(ok.status).toBe(200);
  });

  it('an upload part with more bytes than the part holds: 413 naming the part, nothing listed', async () => {
    const created = await jarvis.router.fetch(
      request(
        'POST',
        '/graphql',
        JSON.stringify({
          query:
            'mutation { createArtifactUpload(input: { name: "p.bin", kind: OTHER, size: 1000, sha256: "' +
            '0'.repeat(64) +
            '" }) { id parts { url } } }',
        }),
      ),
    );
    const upload = (
      (await created.json()) as { data: { createArtifactUpload: { id: string; parts: { url: string }[] } } }
    ).data.createArtifactUpload;
    for (const body of [new Uint8Array(1001), endless()]) {
      const response = await jarvis.router.fetch(
        request('PUT', upload.parts[0]!.url, body, 'application/octet-stream'),
      );
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: string }).error).toMatch(/the limit is 1000/);
    }
    const listed = await jarvis.router.fetch(
      request(
        'POST',
        '/graphql',
        JSON.stringify({ query: `{ artifactUpload(id: "${upload.id}") { receivedParts { partNumber } } }` }),
      ),
    );
    expect(await listed.json()).toEqual({ data: { artifactUpload: { receivedParts: [] } } });
  });
});
