import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, gql, runJarvis, startSmtp, testJarvis, waitFor } from '@jarvis/testkit';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../src/index.ts';
import { slackIncomingWebhook } from './fakes/slackIncomingWebhook.ts';
import { webhookReceiver } from './webhookReceiver.ts';

type Target = ((request: Request) => Promise<Response>) | string;

async function ok<T>(target: Target, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await gql<T>(target, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const createChannel = async (target: Target, input: Record<string, unknown>) =>
  (
    await ok<{ createChannel: { id: string } }>(
      target,
      'mutation($input: ChannelInput!) { createChannel(input: $input) { id } }',
      { input },
    )
  ).createChannel.id;

interface Delivered {
  status: string;
  attempts: number;
  lastError: string | null;
  deliveries: { attempt: number; ok: boolean; responseCode: number | null; error: string | null }[];
}

const NOTIFICATION = `query($id: ID!) { notification(id: $id) { status attempts lastError deliveries { attempt ok responseCode error } } }`;

async function settled(target: Target, id: string, timeoutMs = 20_000): Promise<Delivered> {
  let last: Delivered | undefined;
  await waitFor(
    `notification ${id} to be delivered or failed`,
    async () => {
      last = (await ok<{ notification: Delivered }>(target, NOTIFICATION, { id })).notification;
      return last.status === 'DELIVERED' || last.status === 'FAILED';
    },
    { timeoutMs, intervalMs: 50 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${JSON.stringify(last)}`);
  });
  return last!;
}

/** A secret as Standard Webhooks tooling makes them: `whsec_` and base64 of random bytes. */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const FAST = {
  services: {
    notifications: { initial_backoff_ms: 50, poll_interval_ms: 50, max_attempts: 3, timeout_ms: 2_000 },
  },
};

describe('notification channels', () => {
  it('a webhook gets a signed JSON POST once; the delivery is logged', async () => {
    const receiver = await webhookReceiver();
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    try {
      const channel = await createChannel(fetch, {
        name: 'ops hook',
        kind: 'WEBHOOK',
        url: receiver.url,
        secret: SECRET,
      });
      const { sendTestNotification } = await ok<{ sendTestNotification: { id: string; status: string } }>(
        fetch,
        `mutation { sendTestNotification(channelId: "${channel}") { id status } }`,
      );
      const delivered = await settled(fetch, sendTestNotification.id);
      expect(delivered).toEqual({
        status: 'DELIVERED',
        attempts: 1,
        lastError: null,
        deliveries: [{ attempt: 1, ok: true, responseCode: 200, error: null }],
      });
      expect(receiver.received).toHaveLength(1);
      const [hook] = receiver.received;
      expect(hook!.json).toMatchObject({
        id: sendTestNotification.id,
        event: 'TEST',
        subject: 'Test notification from Jarvis',
        text: 'If you can read this, the channel ops hook works.',
      });
      expect(hook!.headers).toMatchObject({
        'content-type': 'application/json',
        'x-jarvis-event': 'TEST',
        'webhook-id': sendTestNotification.id,
      });
      // What a receiver does: verify with an off-the-shelf Standard Webhooks library.
      const verified = new Webhook(SECRET).verify(hook!.body, hook!.headers as Record<string, string>);
      expect(verified).toMatchObject({ id: sendTestNotification.id, event: 'TEST' });
      // A body altered on the way fails it.
      expect(() =>
        new Webhook(SECRET).verify(
          hook!.body.replace('TEST', 'TSET'),
          hook!.headers as Record<string, string>,
        ),
      ).toThrow();
      // The earlier headers, for receivers not yet moved (services.notifications.legacy_webhook_headers).
      const timestamp = String(hook!.headers['x-jarvis-timestamp']);
      expect(hook!.headers['x-jarvis-delivery']).toBe(sendTestNotification.id);
      expect(hook!.headers['x-jarvis-signature']).toBe(
        `sha256=${webhookSignature(SECRET, timestamp, hook!.body)}`,
      );
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    } finally {
      await receiver.close();
    }
  });

  it('legacy_webhook_headers: false sends Standard Webhooks headers only; a plain-text secret verifies with format raw', async () => {
    const receiver = await webhookReceiver();
    await using jarvis = await testJarvis({
      services: { notifications: { ...FAST.services.notifications, legacy_webhook_headers: false } },
    });
    const fetch = jarvis.router.fetch;
    try {
      const channel = await createChannel(fetch, {
        name: 'std',
        kind: 'WEBHOOK',
        url: receiver.url,
        secret: 's3cret',
      });
      const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
        fetch,
        `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
      );
      expect((await settled(fetch, sendTestNotification.id)).status).toBe('DELIVERED');
      const [hook] = receiver.received;
      expect(Object.keys(hook!.headers).filter((h) => h.startsWith('x-jarvis-'))).toEqual(['x-jarvis-event']);
      const raw = new Webhook(new TextEncoder().encode('s3cret') as unknown as string, { format: 'raw' });
      expect(raw.verify(hook!.body, hook!.headers as Record<string, string>)).toMatchObject({
        event: 'TEST',
      });
    } finally {
      await receiver.close();
    }
  });

  it('a failing receiver is retried with backoff until it answers; an unreachable one ends FAILED with its last error', async () => {
    const flaky = await webhookReceiver((_hook, count) => (count <= 2 ? 503 : 200));
    const gone = await freePort();
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    try {
      const flakyChannel = await createChannel(fetch, { name: 'flaky', kind: 'WEBHOOK', url: flaky.url });
      const goneChannel = await createChannel(fetch, {
        name: 'gone',
        kind: 'WEBHOOK',
        url: `http://127.0.0.1:${gone}/hook`,
      });
      const send = async (id: string) =>
        (
          await ok<{ sendTestNotification: { id: string } }>(
            fetch,
            `mutation { sendTestNotification(channelId: "${id}") { id } }`,
          )
        ).sendTestNotification.id;
      const [a, b] = [await send(flakyChannel), await send(goneChannel)];
      expect(await settled(fetch, a)).toMatchObject({
        status: 'DELIVERED',
        attempts: 3,
        deliveries: [
          { attempt: 1, ok: false, responseCode: 503, error: 'HTTP 503: receiver is down' },
          { attempt: 2, ok: false, responseCode: 503 },
          { attempt: 3, ok: true, responseCode: 200, error: null },
        ],
      });
      const failed = await settled(fetch, b);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 3 });
      expect(failed.deliveries).toHaveLength(3);
      expect(failed.lastError).toMatch(new RegExp(`POST http://127.0.0.1:${gone}: .*ECONNREFUSED`));
      expect(flaky.received).toHaveLength(3);
    } finally {
      await flaky.close();
    }
  });

  it('Slack gets a Block Kit message through its incoming webhook; a revoked URL fails with Slack’s answer', async () => {
    const slack = await slackIncomingWebhook();
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    try {
      const channel = await createChannel(fetch, { name: '#ops', kind: 'SLACK', url: slack.url });
      const { channel: shown } = await ok<{ channel: { url: string; signed: boolean } }>(
        fetch,
        `{ channel(id: "${channel}") { url signed } }`,
      );
      expect(shown.url).toBe(`${new URL(slack.url).origin}/…`);
      const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
        fetch,
        `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
      );
      expect(await settled(fetch, sendTestNotification.id)).toMatchObject({
        status: 'DELIVERED',
        deliveries: [{ responseCode: 200 }],
      });
      expect(slack.received).toEqual([
        {
          text: 'Test notification from Jarvis: If you can read this, the channel #ops works.',
          blocks: [
            {
              type: 'header',
              text: { type: 'plain_text', text: 'Test notification from Jarvis', emoji: true },
            },
            {
              type: 'section',
              text: { type: 'mrkdwn', text: 'If you can read this, the channel #ops works.' },
            },
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: expect.stringMatching(/^Jarvis · test · <!date\^\d+\^/) }],
            },
          ],
        },
      ]);
      const revoked = await createChannel(fetch, { name: '#old', kind: 'SLACK', url: slack.revokedUrl });
      const again = await ok<{ sendTestNotification: { id: string } }>(
        fetch,
        `mutation { sendTestNotification(channelId: "${revoked}") { id } }`,
      );
      expect(await settled(fetch, again.sendTestNotification.id)).toMatchObject({
        status: 'FAILED',
        lastError: 'HTTP 404: no_service',
        deliveries: [{ responseCode: 404 }, { responseCode: 404 }, { responseCode: 404 }],
      });
    } finally {
      await slack.close();
    }
  });

  it('e-mail goes over SMTP to a real server and reads back as sent', async () => {
    await using smtp = await startSmtp();
    await using jarvis = await testJarvis({
      services: {
        notifications: {
          ...FAST.services.notifications,
          smtp: { host: smtp.host, port: smtp.port, from: 'Jarvis <jarvis@rink.test>' },
        },
      },
    });
    const fetch = jarvis.router.fetch;
    const channel = await createChannel(fetch, {
      name: 'coaches',
      kind: 'EMAIL',
      to: ['coach@rink.test', 'analyst@rink.test'],
    });
    const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
      fetch,
      `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
    );
    expect(await settled(fetch, sendTestNotification.id)).toMatchObject({
      status: 'DELIVERED',
      deliveries: [{ ok: true, responseCode: 250 }],
    });
    const [message, ...more] = smtp.messages();
    expect(more).toEqual([]);
    expect(message).toMatch(/^From: Jarvis <jarvis@rink\.test>$/m);
    expect(message).toMatch(/^To: coach@rink\.test, analyst@rink\.test$/m);
    expect(message).toMatch(/^Subject: Test notification from Jarvis$/m);
    expect(message).toMatch(new RegExp(`^X-Jarvis-Delivery: ${sendTestNotification.id}$`, 'm'));
    expect(message).toContain('If you can read this, the channel coaches works.');
  });

  it('smtp.secure: true speaks TLS from the first byte, so a plain-text server fails the delivery', async () => {
    await using smtp = await startSmtp();
    await using jarvis = await testJarvis({
      services: {
        notifications: {
          ...FAST.services.notifications,
          max_attempts: 1,
          smtp: { host: smtp.host, port: smtp.port, secure: true },
        },
      },
    });
    const fetch = jarvis.router.fetch;
    const channel = await createChannel(fetch, { name: 'tls', kind: 'EMAIL', to: ['coach@rink.test'] });
    const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
      fetch,
      `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
    );
    const failed = await settled(fetch, sendTestNotification.id);
    expect(failed.status).toBe('FAILED');
    // nodemailer's TLS handshake on a server that answers in plain text: no mail was sent.
    expect(failed.lastError).toMatch(/SMTP 127\.0\.0\.1:\d+: .*(TLS|SSL|wrong version|timeout|Greeting)/i);
    expect(smtp.messages()).toEqual([]);
  });

  it('smtp.user and password log in with SMTP AUTH; a wrong password fails the delivery without showing it', async () => {
    await using smtp = await startSmtp({ auth: { user: 'jarvis', password: 'hunter2' } });
    const send = async (password: string) => {
      await using jarvis = await testJarvis({
        services: {
          notifications: {
            ...FAST.services.notifications,
            max_attempts: 1,
            smtp: { host: smtp.host, port: smtp.port, user: 'jarvis', password },
          },
        },
      });
      const fetch = jarvis.router.fetch;
      const channel = await createChannel(fetch, { name: 'auth', kind: 'EMAIL', to: ['coach@rink.test'] });
      const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
        fetch,
        `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
      );
      return await settled(fetch, sendTestNotification.id);
    };
    const refused = await send('wrong-password');
    expect(refused.status).toBe('FAILED');
    expect(refused.lastError).toMatch(/535|auth/i);
    expect(refused.lastError).not.toContain('wrong-password');
    expect(smtp.messages()).toEqual([]);
    expect((await send('hunter2')).status).toBe('DELIVERED');
    expect(smtp.messages()).toHaveLength(1);
  });

  it('createChannel and createNotificationRule with an idempotencyKey, sent twice at once, make one of each', async () => {
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    const CHANNEL =
      'mutation($input: ChannelInput!, $key: String) { createChannel(input: $input, idempotencyKey: $key) { id } }';
    const RULE =
      'mutation($input: NotificationRuleInput!, $key: String) { createNotificationRule(input: $input, idempotencyKey: $key) { id } }';
    const channel = { name: 'ops', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/hook' };
    const twice = await Promise.all(
      [0, 1, 2].map(() =>
        gql<{ createChannel: { id: string } }>(fetch, CHANNEL, { input: channel, key: 'ops-1' }),
      ),
    );
    expect(twice.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    const [id] = new Set(twice.map((r) => r.data!.createChannel.id));
    expect(new Set(twice.map((r) => r.data!.createChannel.id)).size).toBe(1);
    expect(
      (await ok<{ channels: { totalCount: number } }>(fetch, '{ channels { totalCount } }')).channels,
    ).toEqual({
      totalCount: 1,
    });
    // The key on a different request is refused, not a second channel.
    const reused = await gql(fetch, CHANNEL, { input: { ...channel, name: 'other' }, key: 'ops-1' });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });

    const rule = { event: 'WORKFLOW_FAILED', channelIds: [id] };
    const rules = await Promise.all(
      [0, 1].map(() =>
        gql<{ createNotificationRule: { id: string } }>(fetch, RULE, { input: rule, key: 'r-1' }),
      ),
    );
    expect(rules.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(rules[0]!.data!.createNotificationRule.id).toBe(rules[1]!.data!.createNotificationRule.id);
    expect(
      (
        await ok<{ notificationRules: { edges: unknown[] } }>(
          fetch,
          '{ notificationRules { edges { node { id } } } }',
        )
      ).notificationRules.edges,
    ).toHaveLength(1);
  });

  it('channels and notifications are Relay connections: pages that do not overlap, and a total', async () => {
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c'])
      ids.push(await createChannel(fetch, { name, kind: 'WEBHOOK', url: 'http://127.0.0.1:9/hook' }));
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: { node: { id: string } }[];
    };
    const channels = async (after?: string) =>
      (
        await ok<{ channels: Page }>(
          fetch,
          'query($after: String) { channels(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }',
          { after },
        )
      ).channels;
    const first = await channels();
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const second = await channels(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((e) => e.node.id).sort()).toEqual([...ids].sort());

    const sent: string[] = [];
    for (let i = 0; i < 3; i++)
      sent.push(
        (
          await ok<{ sendTestNotification: { id: string } }>(
            fetch,
            `mutation { sendTestNotification(channelId: "${ids[0]}") { id } }`,
          )
        ).sendTestNotification.id,
      );
    const notifications = async (after?: string) =>
      (
        await ok<{ notifications: Page }>(
          fetch,
          'query($after: String) { notifications(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }',
          { after },
        )
      ).notifications;
    const newest = await notifications();
    expect(newest.totalCount).toBe(3);
    const rest = await notifications(newest.pageInfo.endCursor);
    // Newest first, each once.
    expect([...newest.edges, ...rest.edges].map((e) => e.node.id)).toEqual([...sent].reverse());
    const bad = await gql(fetch, '{ channels(after: "not-a-cursor") { totalCount } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('bad channels and rules are refused with what to fix', async () => {
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    const refused = async (input: Record<string, unknown>, message: RegExp) => {
      const { errors } = await gql(
        fetch,
        'mutation($input: ChannelInput!) { createChannel(input: $input) { id } }',
        { input },
      );
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(errors?.[0]?.message).toMatch(message);
    };
    await refused(
      { name: 'x', kind: 'WEBHOOK', url: 'ftp://example.com/hook' },
      /must be http or https, not ftp/,
    );
    await refused({ name: 'x', kind: 'WEBHOOK', url: 'not a url' }, /is not a URL/);
    await refused(
      { name: 'x', kind: 'EMAIL', to: ['a@b.c'] },
      /e-mail is disabled until services\.notifications\.smtp is configured/,
    );
    await refused(
      { name: 'x', kind: 'WEBHOOK', url: 'https://example.com', timeoutMs: 60_000 },
      /timeoutMs is between 100 and/,
    );
    const rule = await gql(
      fetch,
      'mutation { createNotificationRule(input: { event: WORKFLOW_FAILED, channelIds: ["00000000-0000-4000-8000-000000000000"] }) { id } }',
    );
    expect(rule.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (await ok<{ channels: { totalCount: number } }>(fetch, '{ channels { totalCount } }')).channels,
    ).toEqual({
      totalCount: 0,
    });
  });

  it('rules: a failed workflow and a moved model alias notify, with the rule’s own template and filter', async () => {
    const receiver = await webhookReceiver();
    await using jarvis = await testJarvis(FAST);
    const fetch = jarvis.router.fetch;
    try {
      const channel = await createChannel(fetch, { name: 'ml', kind: 'WEBHOOK', url: receiver.url });
      await ok(
        fetch,
        `mutation { a: createNotificationRule(input: { event: WORKFLOW_FAILED, channelIds: ["${channel}"], filter: { workflow: "nightly" },
        subject: "{{workflow}} broke", body: "run {{runId}}: {{error}}" }) { id }
        b: createNotificationRule(input: { event: MODEL_ALIAS_MOVED, channelIds: ["${channel}"] }) { id } }`,
      );
      // Two runs that end without completing (cancelled while waiting for a worker); the rule's filter takes one.
      for (const name of ['nightly', 'other-flow'])
        await ok(
          fetch,
          `mutation { registerWorkflow(definition: { name: "${name}", taskQueue: "none", steps: [{ id: "s", activity: "nobody" }] }) { version } }`,
        );
      const { a, b } = await ok<{ a: { id: string }; b: { id: string } }>(
        fetch,
        'mutation { a: startWorkflow(workflow: "nightly") { id } b: startWorkflow(workflow: "other-flow") { id } }',
      );
      await ok(
        fetch,
        `mutation { a: cancelWorkflowRun(id: "${a.id}") { status } b: cancelWorkflowRun(id: "${b.id}") { status } }`,
      );
      const { storeSmallArtifact } = await ok<{ storeSmallArtifact: { id: string } }>(
        fetch,
        `mutation { storeSmallArtifact(input: { name: "m.onnx", kind: MODEL, size: 1, sha256: "${'2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'}" }, contentBase64: "eA==") { id } }`,
      );
      await ok(
        fetch,
        `mutation { createRegisteredModel(name: "classifier") { name }
        v1: createModelVersion(input: { name: "classifier", artifactId: "${storeSmallArtifact.id}" }) { version } }`,
      );
      await ok(
        fetch,
        'mutation { setModelAlias(name: "classifier", alias: "champion", version: 1) { version } }',
      );
      await waitFor('two notifications', async () => receiver.received.length >= 2, {
        timeoutMs: 20_000,
        intervalMs: 50,
      });
      await new Promise((r) => setTimeout(r, 500));
      const byEvent = Object.fromEntries(receiver.received.map((h) => [h.json.event, h.json]));
      expect(Object.keys(byEvent).sort()).toEqual(['MODEL_ALIAS_MOVED', 'WORKFLOW_FAILED']);
      expect(byEvent.WORKFLOW_FAILED).toMatchObject({
        subject: 'nightly broke',
        text: expect.stringMatching(new RegExp(`^run ${a.id}: `)),
        data: { workflow: 'nightly', status: 'CANCELLED' },
      });
      expect(receiver.received).toHaveLength(2);
      expect(byEvent.MODEL_ALIAS_MOVED).toMatchObject({
        subject: 'classifier@champion now points at version 1',
        data: { model: 'classifier', alias: 'champion', version: 1, previousVersion: null },
      });
    } finally {
      await receiver.close();
    }
  });
});

it('a notification being delivered when `jarvis dev` is killed is delivered after the restart', async () => {
  let hang = true;
  const receiver = await webhookReceiver(() => (hang ? 'hang' : 200));
  const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-outbox-'));
  const config = path.join(home, 'jarvis.yaml');
  writeFileSync(
    config,
    'services:\n  notifications:\n    timeout_ms: 1000\n    poll_interval_ms: 200\n    initial_backoff_ms: 100\n',
  );
  const port = String(await freePort());
  const start = async () => {
    const jarvis = runJarvis(['dev', '--port', port, '--config', config], { JARVIS_HOME: home }, home);
    const [, url] = await jarvis.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/, 60_000);
    return { jarvis, url: url! };
  };
  try {
    const first = await start();
    const channel = await createChannel(first.url, { name: 'hook', kind: 'WEBHOOK', url: receiver.url });
    const { sendTestNotification } = await ok<{ sendTestNotification: { id: string } }>(
      first.url,
      `mutation { sendTestNotification(channelId: "${channel}") { id } }`,
    );
    await waitFor('the delivery to be under way', async () => receiver.received.length === 1, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    first.jarvis.child.kill('SIGKILL');
    await first.jarvis.exited;
    hang = false;
    const second = await start();
    const delivered = await settled(second.url, sendTestNotification.id, 30_000);
    expect(delivered).toMatchObject({ status: 'DELIVERED', deliveries: [{ ok: true, responseCode: 200 }] });
    // The receiver saw the same delivery id twice (the first answer never came): it can drop the repeat.
    expect(receiver.received.map((h) => h.headers['x-jarvis-delivery'])).toEqual([
      sendTestNotification.id,
      sendTestNotification.id,
    ]);
    second.jarvis.child.kill('SIGTERM');
    await second.jarvis.exited;
  } finally {
    await receiver.close();
    rmSync(home, { recursive: true, force: true });
  }
});
