import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, mlflowPython, servedJarvis, waitFor } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** MLflow's documented check of a webhook's signature, as a receiver does it. */
function verified(received: Received, secret: string): boolean {
  const id = String(received.headers['x-mlflow-delivery-id']);
  const timestamp = String(received.headers['x-mlflow-timestamp']);
  const expected = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.${received.body}`)
    .digest('base64');
  return received.headers['x-mlflow-signature'] === `v1,${expected}`;
}

describe("MLflow webhooks, made with MLflow's client, fired by the registry", () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let receiver: Server;
  let url: string;
  const received: Received[] = [];
  let key: string;
  let other: string;
  let flow: {
    webhook_id: string;
    events: string[];
    status: string;
    paused: string;
    listed: string[];
    test: { success: boolean; status: number; body: string };
    version: string;
  };

  const events = () =>
    received.map(
      (r) => JSON.parse(r.body) as { entity: string; action: string; data: Record<string, unknown> },
    );

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/mlflow`;
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    await identity.createProjectAsOperator('elsewhere');
    key = (await identity.issueKey({ projectId: 'default', name: 'mlops', role: 'editor' })).secret;
    other = (await identity.issueKey({ projectId: 'elsewhere', name: 'theirs', role: 'admin' })).secret;
    const script = new URL('./python/mlflow_webhooks.py', import.meta.url).pathname;
    const { stdout } = await run(mlflowPython(), [script, url], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MLFLOW_TRACKING_URI: jarvis.url,
        MLFLOW_TRACKING_TOKEN: key,
      },
      timeout: 120_000,
    });
    flow = JSON.parse(stdout.trim().split('\n').at(-1)!);
    await waitFor(
      'the registered model, its version and its alias delivered to the webhook',
      async () =>
        events().filter((e) => e.entity !== 'registered_model' || e.data.name !== 'example_model').length >=
        3,
      { timeoutMs: 60_000 },
    );
  }, 180_000);
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    receiver?.close();
  });

  it('the client reads back what it made, and its test delivery reaches the receiver', () => {
    expect(flow.events).toEqual([
      'model_version.created',
      'model_version_alias.created',
      'registered_model.created',
    ]);
    expect(flow.status).toBe('ACTIVE');
    expect(flow.paused).toBe('DISABLED');
    expect(flow.listed).toEqual(['deploy-on-register']);
    expect(flow.test).toEqual({ success: true, status: 200, body: 'thanks' });
    // The test sends MLflow's example for the first event.
    expect(events()[0]).toMatchObject({ entity: expect.any(String), data: { name: 'example_model' } });
  });

  it("registry changes arrive in MLflow's envelope, signed, once each, and none after it is disabled", () => {
    const real = received.filter((r) => !r.body.includes('example_model'));
    expect(real.every((r) => verified(r, 'whisper'))).toBe(true);
    expect(new Set(real.map((r) => r.headers['x-mlflow-delivery-id'])).size).toBe(real.length);
    expect(
      real
        .map((r) => JSON.parse(r.body))
        .map(({ entity, action, data, timestamp }) => ({ entity, action, data, timestamp })),
    ).toEqual([
      {
        entity: 'registered_model',
        action: 'created',
        data: { name: 'hooked-model', tags: { team: 'vision' }, description: null },
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      {
        entity: 'model_version',
        action: 'created',
        data: {
          name: 'hooked-model',
          version: flow.version,
          source: 's3://bucket/model',
          run_id: null,
          tags: { stage: 'ci' },
          description: null,
        },
        timestamp: expect.any(String),
      },
      {
        entity: 'model_version_alias',
        action: 'created',
        data: { name: 'hooked-model', alias: 'champion', version: flow.version },
        timestamp: expect.any(String),
      },
    ]);
  });

  it("each delivery is in Jarvis's notification log; another project neither sees nor reaches the webhook", async () => {
    const log = await gql<{ notifications: { edges: { node: { event: string; status: string } }[] } }>(
      jarvis.url,
      `query($c: ID) { notifications(channelId: $c) { edges { node { event status } } } }`,
      { c: flow.webhook_id },
      { authorization: `Bearer ${key}` },
    );
    expect(log.errors).toBeUndefined();
    expect(log.data!.notifications.edges.map((e) => e.node)).toEqual(
      Array.from({ length: 3 }, () => ({ event: 'MODEL_REGISTRY', status: 'DELIVERED' })),
    );
    const theirs = (path: string, init: RequestInit = {}) =>
      fetch(`${jarvis.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
      });
    expect((await theirs(`/api/2.0/mlflow/webhooks/${flow.webhook_id}`)).status).toBe(404);
    expect(await (await theirs('/api/2.0/mlflow/webhooks')).json()).toEqual({ webhooks: [] });
    expect((await theirs(`/api/2.0/mlflow/webhooks/${flow.webhook_id}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    // Their registry's changes do not reach our webhook (it is enabled again first).
    const mine = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    await fetch(`${jarvis.url}/api/2.0/mlflow/webhooks/${flow.webhook_id}`, {
      method: 'PATCH',
      headers: mine,
      body: JSON.stringify({ status: 'ACTIVE' }),
    });
    const before = received.length;
    expect(
      (
        await theirs('/api/2.0/mlflow/registered-models/create', {
          method: 'POST',
          body: JSON.stringify({ name: 'x' }),
        })
      ).status,
    ).toBe(200);
    await fetch(`${jarvis.url}/api/2.0/mlflow/registered-models/create`, {
      method: 'POST',
      headers: mine,
      body: JSON.stringify({ name: 'ours-after' }),
    });
    await waitFor('our own registered model delivered', async () => received.length > before, {
      timeoutMs: 30_000,
    });
    expect(received.slice(before).map((r) => JSON.parse(r.body).data.name)).toEqual(['ours-after']);
  });

  it('two updates at once both land, one after the other; a viewer may read but not change webhooks', async () => {
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    const viewer = (await identity.issueKey({ projectId: 'default', name: 'watcher', role: 'viewer' }))
      .secret;
    const patch = (token: string, body: unknown) =>
      fetch(`${jarvis.url}/api/2.0/mlflow/webhooks/${flow.webhook_id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const [a, b] = await Promise.all([
      patch(key, { description: 'one' }),
      patch(key, { description: 'two' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const now = (await (
      await fetch(`${jarvis.url}/api/2.0/mlflow/webhooks/${flow.webhook_id}`, {
        headers: { authorization: `Bearer ${viewer}` },
      })
    ).json()) as { webhook: { description: string; events: unknown[] } };
    expect(['one', 'two']).toContain(now.webhook.description);
    expect(now.webhook.events).toHaveLength(3);
    expect(await (await patch(viewer, { description: 'mine' })).json()).toMatchObject({
      error_code: 'PERMISSION_DENIED',
    });
  });
});
