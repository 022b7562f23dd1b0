import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, servedJarvis, testJarvis } from '@jarvis/testkit';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HEALTH = 'query Health { health { name status } }';
const CONFIG = 'query Config { config }';
const RUNS_CHANGED = 'subscription Changes { workflowRunsChanged { type } }';
const REGISTER =
  'mutation Register { registerWorkflow(definition: { name: "w", steps: [{ id: "s", kind: SIGNAL, signal: "go" }] }) { name } }';
const START = 'mutation Start { startWorkflow(workflow: "w") { id } }';

/** A manifest as GraphQL Code Generator's client preset writes it (persistedDocuments: true). */
function manifest(documents: string[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-documents-'));
  const file = path.join(dir, 'persisted-documents.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries(documents.map((d) => [sha256(d), d]))));
  return file;
}

async function post(fetch: (r: Request) => Promise<Response>, body: unknown) {
  const response = await fetch(
    new Request('http://jarvis.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return {
    status: response.status,
    ...((await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    }),
  };
}

describe('trusted documents', () => {
  it('runs registered documents by id; in trusted mode refuses every other document', async () => {
    await using jarvis = await testJarvis({
      router: { documents: { manifests: [manifest([HEALTH, RUNS_CHANGED])], accept: 'trusted' } },
    });
    const fetch = jarvis.router.fetch;
    const byId = await post(fetch, { documentId: `sha256:${sha256(HEALTH)}` });
    expect(byId.status).toBe(200);
    expect(byId.data).toMatchObject({
      health: expect.arrayContaining([expect.objectContaining({ name: 'database' })]),
    });
    // GET, as CDNs and browsers cache it.
    const get = await fetch(
      new Request(`http://jarvis.test/graphql?documentId=sha256:${sha256(HEALTH)}`, {
        headers: { 'apollo-require-preflight': 'true' },
      }),
    );
    expect(get.status).toBe(200);
    // Apollo's persisted query extension names the same documents.
    const apq = await post(fetch, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(HEALTH) } },
    });
    expect(apq.data).toBeTruthy();
    // The registered text itself is fine too.
    expect((await gql(fetch, HEALTH)).status).toBe(200);

    const other = await gql(fetch, CONFIG);
    expect(other.status).toBe(403);
    expect(other.errors![0]!.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'OPERATION_NOT_TRUSTED',
    });
    const registering = await post(fetch, {
      query: CONFIG,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(CONFIG) } },
    });
    expect(registering.status).toBe(403);
    const unknown = await post(fetch, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknown.status).toBe(404);
    expect(unknown.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'PERSISTED_DOCUMENT_NOT_FOUND',
    });
  });

  it('holds over WebSocket too: registered subscriptions by hash, others refused', async () => {
    await using jarvis = await servedJarvis({
      router: { documents: { manifests: [manifest([RUNS_CHANGED, REGISTER, START])], accept: 'trusted' } },
    });
    const client = createClient({
      url: `${jarvis.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const refused = client.iterate({ query: 'subscription { workflowRunsChanged { type runId } }' });
      await expect(refused.next()).rejects.toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ reason: 'OPERATION_NOT_TRUSTED' }) }),
      ]);
      // graphql-ws requires a query string; an empty one with the hash names the document.
      const registered = client.iterate({
        query: '',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(RUNS_CHANGED) } },
      });
      const pending = registered.next();
      await expect.poll(() => jarvis.router.subscriptions.upstreamCount(), { timeout: 5_000 }).toBe(1);
      expect((await gql(jarvis.url, REGISTER)).errors).toBeUndefined();
      expect((await gql(jarvis.url, START)).errors).toBeUndefined();
      expect((await pending).value).toMatchObject({ data: { workflowRunsChanged: { type: 'RUN_STARTED' } } });
      await registered.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('holds over SSE too: a subscription by documentId streams, an unknown id is NOT_FOUND, other texts are refused', async () => {
    await using jarvis = await servedJarvis({
      router: { documents: { manifests: [manifest([RUNS_CHANGED, REGISTER, START])], accept: 'trusted' } },
    });
    const stream = (body: unknown, signal?: AbortSignal) =>
      fetch(`${jarvis.url}/graphql/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    // Answered as /graphql answers them.
    const unknown = await stream({ documentId: `sha256:${sha256('subscription { nothing }')}` });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      errors: [{ extensions: { code: 'NOT_FOUND', reason: 'PERSISTED_DOCUMENT_NOT_FOUND' } }],
    });
    const untrusted = await stream({ query: 'subscription { workflowRunsChanged { type runId } }' });
    expect(untrusted.status).toBeGreaterThanOrEqual(400);
    expect(untrusted.status).toBeLessThan(500);
    expect(JSON.stringify(await untrusted.json())).toContain('OPERATION_NOT_TRUSTED');

    const abort = new AbortController();
    const response = await stream({ documentId: `sha256:${sha256(RUNS_CHANGED)}` }, abort.signal);
    expect(response.status).toBe(200);
    await expect.poll(() => jarvis.router.subscriptions.upstreamCount(), { timeout: 5_000 }).toBe(1);
    expect((await gql(jarvis.url, REGISTER)).errors).toBeUndefined();
    expect((await gql(jarvis.url, START)).errors).toBeUndefined();
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: next')) text += (await reader.read()).value ?? '';
    expect(text).toContain('"workflowRunsChanged":{"type":"RUN_STARTED"}');
    abort.abort();
  });

  it('runs automatic persisted queries for documents not in a manifest', async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    const hash = { persistedQuery: { version: 1, sha256Hash: sha256(CONFIG) } };
    const first = await post(fetch, { extensions: hash });
    expect(first.errors![0]!.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND' });
    expect((await post(fetch, { query: CONFIG, extensions: hash })).data).toBeTruthy();
    const again = await post(fetch, { extensions: hash });
    expect(again.errors).toBeUndefined();
    expect(again.data).toMatchObject({ config: expect.any(Object) });
  });

  it('router.documents.apq: false turns automatic persisted queries off; manifests still work', async () => {
    await using jarvis = await testJarvis({
      router: { documents: { apq: false, manifests: [manifest([HEALTH])] } },
    });
    const fetch = jarvis.router.fetch;
    const hash = { persistedQuery: { version: 1, sha256Hash: sha256(CONFIG) } };
    const registering = await post(fetch, { query: CONFIG, extensions: hash });
    expect(registering.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_SUPPORTED' });
    const byHash = await post(fetch, { extensions: hash });
    expect(byHash.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_SUPPORTED' });
    expect((await post(fetch, { documentId: `sha256:${sha256(HEALTH)}` })).data).toBeTruthy();
  });

  it('a manifest that cannot be read stops the start with the file named', async () => {
    await expect(
      testJarvis({ router: { documents: { manifests: ['/nonexistent/documents.json'] } } }),
    ).rejects.toThrow(/router\.documents\.manifests: cannot read \/nonexistent\/documents\.json/);
  });
});
