import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, liveSubscription, runJarvis, servedJarvis, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// Every door of a shared Jarvis (auth.mode keys) asks for the same credentials.
let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
let identity: IdentityService;
let admin: string;
let viewer: string;
let narrowed: string;

beforeAll(async () => {
  jarvis = await servedJarvis({ auth: { mode: 'keys' } });
  identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  admin = (await identity.issueKey({ projectId: 'default', name: 'admin', role: 'admin' })).secret;
  viewer = (await identity.issueKey({ projectId: 'default', name: 'viewer', role: 'viewer' })).secret;
  narrowed = (
    await identity.issueKey({
      projectId: 'default',
      name: 'narrow',
      role: 'viewer',
      scopes: ['storage:read'],
    })
  ).secret;
}, 60_000);
afterAll(() => jarvis?.[Symbol.asyncDispose]());

/** The close code of a graphql-ws connection that sends connection_init with this payload. */
function closeCodeOf(payload: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${jarvis.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close(1000);
        resolve(1000);
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

describe('WebSocket', () => {
  it('closes a connection without credentials, or with bad ones, with 4403', async () => {
    expect(await closeCodeOf({})).toBe(4403);
    expect(await closeCodeOf({ authorization: 'Bearer jv_garbage' })).toBe(4403);
    expect(await closeCodeOf({ authorization: `Bearer ${viewer}` })).toBe(1000);
  });

  it('ends an open subscription with UNAUTHENTICATED when its key is revoked, without waiting for an event', async () => {
    const issued = await identity.issueKey({ projectId: 'default', name: 'watcher', role: 'viewer' });
    await using stream = await liveSubscription(
      jarvis,
      'subscription { settingsChanged(component: "spotlight") { key value } }',
      {},
      { authorization: `Bearer ${issued.secret}` },
    );
    const revoked = await gql(
      jarvis.url,
      'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: issued.apiKey.id },
      {
        authorization: `Bearer ${admin}`,
      },
    );
    expect(revoked.errors).toBeUndefined();
    const events = await stream.until((e) => e.some((x) => x.errors), 10_000);
    expect(events.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('SSE and /metrics', () => {
  const sse = (headers: Record<string, string>) =>
    jarvis.router.fetch(
      new Request('http://jarvis.test/graphql/stream', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query: 'subscription { settingsChanged(component: "x") { key } }' }),
        signal: AbortSignal.timeout(2_000),
      }),
    );

  it('refuses an SSE subscription without credentials (401) and opens one with a key', async () => {
    const refused = await sse({});
    expect(refused.status).toBe(401);
    const opened = await sse({ authorization: `Bearer ${viewer}` });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/event-stream');
    await opened.body?.cancel();
  });

  it('serves /metrics to a key with platform:read only', async () => {
    const metrics = (key?: string) =>
      fetch(`${jarvis.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    expect((await metrics()).status).toBe(401);
    expect((await metrics(narrowed)).status).toBe(403);
    const ok = await metrics(viewer);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('jarvis_http_requests_total');
    // Probes stay open.
    expect((await fetch(`${jarvis.url}/health`)).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers a key past auth.rate_limit.requests_per_minute with 429, Retry-After and LIMIT_EXCEEDED', async () => {
    await using limited = await testJarvis({
      auth: { mode: 'keys', rate_limit: { requests_per_minute: 5 } },
    });
    const ids = limited.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    const key = (await ids.issueKey({ projectId: 'default', name: 'busy', role: 'viewer' })).secret;
    const other = (await ids.issueKey({ projectId: 'default', name: 'calm', role: 'viewer' })).secret;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof gql>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await gql(limited.router.fetch, '{ me { roles } }', {}, { authorization: `Bearer ${key}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last!.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per key: another key is not slowed down by this one.
    expect(
      (await gql(limited.router.fetch, '{ me { roles } }', {}, { authorization: `Bearer ${other}` })).status,
    ).toBe(200);
  });
});

describe('jarvis dev', () => {
  it('refuses auth.mode local on a non-loopback address and says how to turn on authentication', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-exposed-'));
    try {
      const run = runJarvis(['dev', '--host', '0.0.0.0', '--port', '0'], { JARVIS_HOME: home }, home);
      expect(await run.exited).toBe(2);
      expect(run.output()).toContain('auth:');
      expect(run.output()).toContain('mode: keys');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
