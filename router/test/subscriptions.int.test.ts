import { LOCAL_PRINCIPAL, type Principal } from '@jarvis/context';
import { JarvisError } from '@jarvis/errors';
import { collectSubscription, servedJarvis, waitFor } from '@jarvis/testkit';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CROSS_SUBGRAPH, type CrossEvent, trackedRun } from './trackedRun.ts';

type Events = { workflowRunEvents: CrossEvent };

function expectCrossSubgraph(event: CrossEvent, artifactName: string) {
  // experiments' Run and storage's artifacts, resolved through the gateway for this event.
  expect(event.run.run).toEqual({
    name: 'tracked-run',
    metrics: [{ key: 'loss', value: 0.5 }],
    artifacts: { totalCount: 1, edges: [{ node: { name: artifactName, version: 1 } }] },
  });
}

describe('federated subscriptions (jarvis dev: subgraphs in process)', () => {
  it('streams a run history then its live events, each with fields of workflows, experiments and storage', async () => {
    await using jarvis = await servedJarvis();
    const run = await trackedRun(jarvis.url);
    await using stream = collectSubscription<Events>(jarvis.url, CROSS_SUBGRAPH, { id: run.runId });
    await stream.until((e) => e.some((x) => x.data?.workflowRunEvents.step?.stepId === 'gate'));
    await run.signal('go');
    await run.signal('done');
    const events = await stream.until((e) =>
      e.some((x) => x.data?.workflowRunEvents.type === 'RUN_COMPLETED'),
    );
    expect(events.flatMap((e) => e.errors ?? [])).toEqual([]);
    const data = events.map((e) => e.data!.workflowRunEvents);
    // Every event once, in order, with no gap between the replayed history and live events.
    expect(data.map((e) => e.sequence)).toEqual(data.map((_, i) => i + 1));
    expect(data.map((e) => `${e.type}${e.step ? `:${e.step.stepId}` : ''}`)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED:gate',
      'STEP_COMPLETED:gate',
      'STEP_STARTED:finish',
      'STEP_COMPLETED:finish',
      'RUN_COMPLETED',
    ]);
    for (const event of data) expectCrossSubgraph(event, run.artifactName);
    expect(data.at(-1)!.run.status).toBe('COMPLETED');
    expect(data.find((e) => e.type === 'STEP_COMPLETED')!.step!.status).toBe('COMPLETED');
  });

  it('an unknown run is NOT_FOUND and a query that is not one subscription field is refused', async () => {
    await using jarvis = await servedJarvis();
    await using missing = collectSubscription(jarvis.url, CROSS_SUBGRAPH, { id: 'no-such-run' });
    const [event] = await missing.until(1);
    expect(event!.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    await using two = collectSubscription(
      jarvis.url,
      'subscription { a: workflowRunsChanged { type } b: workflowRunsChanged { type } }',
    );
    const [refused] = await two.until(1);
    expect(refused!.errors![0]!.message).toMatch(/one top level field|exactly one root field/);
    expect(jarvis.router.subscriptions.upstreamCount()).toBe(0);
  });

  it('identical subscriptions share one upstream subscription, never across principals', async () => {
    const principals: Record<string, Principal> = {
      'alice-laptop': { kind: 'user', userId: 'alice', projectId: 'default', roles: ['admin'] },
      'alice-notebook': { kind: 'user', userId: 'alice', projectId: 'default', roles: ['admin'] },
      bob: { kind: 'user', userId: 'bob', projectId: 'default', roles: ['admin'] },
    };
    await using jarvis = await servedJarvis({}, { authenticate: keyAuth(principals) });
    const run = await trackedRun(jarvis.url, { authorization: 'Bearer alice-laptop' });
    const before = jarvis.runtime.pubsub.subscriberCount();
    const clients = Array.from({ length: 20 }, (_, i) =>
      subscribe(jarvis.url, i % 2 ? 'alice-laptop' : 'alice-notebook', run.runId),
    );
    try {
      await Promise.all(clients.map((c) => c.until((e) => e.length >= 2)));
      expect(jarvis.router.subscriptions.subscriberCount()).toBe(20);
      expect(jarvis.router.subscriptions.upstreamCount()).toBe(1);
      expect(jarvis.runtime.pubsub.subscriberCount()).toBe(before + 1);
      const bob = subscribe(jarvis.url, 'bob', run.runId);
      clients.push(bob);
      await bob.until(2);
      expect(jarvis.router.subscriptions.upstreamCount()).toBe(2);
      await run.signal('go');
      await run.signal('done');
      const all = await Promise.all(
        clients.map((c) => c.until((e) => e.some((x) => x.data?.workflowRunEvents.type === 'RUN_COMPLETED'))),
      );
      // Everyone, the late joiner too, saw the same complete history, once.
      const first = JSON.stringify(all[0]);
      for (const events of all) expect(JSON.stringify(events)).toBe(first);
      expect(all[0]!.length).toBe(6);
    } finally {
      for (const c of clients) c.dispose();
    }
    await waitFor('upstreams closed', async () => jarvis.router.subscriptions.upstreamCount() === 0, {
      timeoutMs: 2_000,
      intervalMs: 10,
    });
    expect(jarvis.runtime.pubsub.subscriberCount()).toBe(before);
  });

  it('checks credentials on connection_init and before every event: a revoked key ends its subscription', async () => {
    const keys: Record<string, Principal> = { k1: LOCAL_PRINCIPAL, k2: LOCAL_PRINCIPAL };
    await using jarvis = await servedJarvis({}, { authenticate: keyAuth(keys) });
    const run = await trackedRun(jarvis.url, { authorization: 'Bearer k2' });

    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: `${jarvis.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: 'Bearer wrong' },
        lazy: false,
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code) },
        onNonLazyError: () => {}, // the close is what this test waits for
      });
      void client;
    });
    expect(closed).toBe(4403);

    const revoked = subscribe(jarvis.url, 'k1', run.runId);
    const kept = subscribe(jarvis.url, 'k2', run.runId);
    try {
      await revoked.until(2);
      await kept.until(2);
      delete keys.k1;
      await run.signal('go');
      const events = await revoked.until((e) => e.some((x) => x.errors));
      expect(events.at(-1)!.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      await kept.until((e) => e.some((x) => x.data?.workflowRunEvents.step?.stepId === 'finish'));
      expect(kept.events.every((e) => !e.errors)).toBe(true);
      expect(jarvis.router.subscriptions.subscriberCount()).toBe(1);
    } finally {
      revoked.dispose();
      kept.dispose();
    }
  });

  it('leaks nothing: 1,000 subscribe-and-close cycles leave no subscription open at the subgraph', async () => {
    await using jarvis = await servedJarvis();
    const run = await trackedRun(jarvis.url);
    const before = jarvis.runtime.pubsub.subscriberCount();
    const url = `${jarvis.url.replace(/^http/, 'ws')}/graphql`;
    const query = 'subscription($id: ID!) { workflowRunEvents(runId: $id) { sequence type } }';
    let socket = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    for (let cycle = 0; cycle < 1_000; cycle++) {
      // Every tenth cycle on a socket of its own, closed with its subscription open.
      if (cycle % 10 === 0) {
        await socket.dispose();
        socket = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
      }
      const events = socket.iterate({ query, variables: { id: run.runId } });
      const first = await events.next();
      expect(first.value?.data).toMatchObject({ workflowRunEvents: { sequence: 1, type: 'RUN_STARTED' } });
      if (cycle % 10 !== 9) await events.return?.();
    }
    await socket.dispose();
    await waitFor('every upstream closed', async () => jarvis.runtime.pubsub.subscriberCount() === before, {
      timeoutMs: 1_000,
      intervalMs: 5,
    });
    expect(jarvis.router.subscriptions.upstreamCount()).toBe(0);
    expect(jarvis.router.subscriptions.subscriberCount()).toBe(0);
  });

  it('pings idle sockets to keep them alive', async () => {
    await using jarvis = await servedJarvis({ router: { subscriptions: { keep_alive_ms: 100 } } });
    const socket = new WebSocket(`${jarvis.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { type: string }[] = [];
    socket.on('message', (m) => messages.push(JSON.parse(String(m))));
    socket.on('ping', () => messages.push({ type: 'ws-ping' }));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    try {
      await waitFor('two pings', async () => messages.filter((m) => m.type === 'ws-ping').length >= 2, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      expect(messages[0]).toEqual({ type: 'connection_ack' });
    } finally {
      socket.close();
    }
  });

  it('streams the same subscription over server-sent events, and closing the stream closes the upstream', async () => {
    await using jarvis = await servedJarvis();
    const run = await trackedRun(jarvis.url);
    const abort = new AbortController();
    const response = await fetch(`${jarvis.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: CROSS_SUBGRAPH, variables: { id: run.runId } }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const nextEvents = () =>
      [...text.matchAll(/event: next\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { data: Events });
    while (nextEvents().length < 2) text += (await reader.read()).value ?? '';
    await run.signal('go');
    while (!nextEvents().some((e) => e.data.workflowRunEvents.type === 'STEP_COMPLETED'))
      text += (await reader.read()).value ?? '';
    const events = nextEvents().map((e) => e.data.workflowRunEvents);
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(['RUN_STARTED', 'STEP_STARTED', 'STEP_COMPLETED']);
    for (const event of events) expectCrossSubgraph(event, run.artifactName);
    expect(jarvis.router.subscriptions.upstreamCount()).toBe(1);
    abort.abort();
    await waitFor('the upstream closed', async () => jarvis.router.subscriptions.upstreamCount() === 0, {
      timeoutMs: 2_000,
      intervalMs: 10,
    });
  });
});

/** Bearer keys → principals, looked up on every call, so deleting a key revokes it at once. */
function keyAuth(keys: Record<string, Principal>) {
  return async (request: Request) => {
    const key = request.headers.get('authorization')?.replace(/^Bearer /, '');
    const principal = key ? keys[key] : undefined;
    if (!principal) throw new JarvisError('UNAUTHENTICATED', 'unknown or revoked API key');
    return principal;
  };
}

function subscribe(url: string, key: string, runId: string) {
  return collectSubscription<Events>(url, CROSS_SUBGRAPH, { id: runId }, { authorization: `Bearer ${key}` });
}
