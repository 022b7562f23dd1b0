import { TSAIComponent } from '@jarvis/sdk';
import {
  collectSubscription,
  freePort,
  gql,
  servedJarvis,
  startPrometheus,
  startSmtp,
  waitFor,
} from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { webhookReceiver } from './webhookReceiver.ts';

it('Prometheus scrapes jarvis dev; a gauge a component logs comes back through PromQL; an alert on it fires and resolves, notified once each to a webhook and over SMTP', async () => {
  const port = await freePort();
  await using prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`], scrapeInterval: '1s' });
  await using smtp = await startSmtp();
  const receiver = await webhookReceiver();
  await using jarvis = await servedJarvis(
    {
      services: {
        analytics: { type: 'prometheus', endpoint: prometheus.url, evaluation_interval_ms: 500 },
        notifications: {
          smtp: { host: smtp.host, port: smtp.port, from: 'Jarvis <jarvis@rink.test>' },
          poll_interval_ms: 100,
          initial_backoff_ms: 100,
        },
      },
    },
    { port },
  );
  await using spotlight = new TSAIComponent('spotlight', { url: jarvis.url });
  const alerts = collectSubscription<{
    alertsChanged: {
      state: string;
      alert: { state: string; labels: Record<string, string>; rule: { name: string } };
    };
  }>(jarvis.url, 'subscription { alertsChanged { state alert { state labels rule { name } } } }');
  try {
    await spotlight.logMetric(
      'rink_ice_temperature_celsius',
      -4,
      { rink: 'north' },
      'Ice surface temperature',
    );

    // Scraped from /metrics, then read back with PromQL (a function Jarvis does not evaluate itself).
    const series = async (query: string) => {
      const now = new Date();
      return spotlight.metricSeries(query, new Date(now.getTime() - 60_000), now, 1);
    };
    await waitFor(
      'Prometheus to scrape the gauge',
      async () => (await series('rink_ice_temperature_celsius')).series.length === 1,
      {
        timeoutMs: 20_000,
        intervalMs: 250,
      },
    );
    const scraped = await series('max_over_time(rink_ice_temperature_celsius{rink="north"}[1m])');
    expect(scraped.source).toBe('PROMETHEUS');
    expect(scraped.series).toEqual([
      { labels: { rink: 'north', job: 'jarvis', instance: `127.0.0.1:${port}` }, points: expect.any(Array) },
    ]);
    expect(scraped.series[0]!.points.at(-1)!.value).toBe(-4);
    const own = await series('jarvis_graphql_requests_total{service="router",operation="LogGauge"}');
    expect(own.series[0]!.labels).toMatchObject({ job: 'jarvis', type: 'mutation', status: 'ok' });

    const create = async (input: Record<string, unknown>) =>
      (
        await gql<{ createChannel: { id: string } }>(
          jarvis.url,
          'mutation($input: ChannelInput!) { createChannel(input: $input) { id } }',
          { input },
        )
      ).data!.createChannel.id;
    const hook = await create({ name: 'ops', kind: 'WEBHOOK', url: receiver.url, secret: 'k' });
    const mail = await create({ name: 'rink staff', kind: 'EMAIL', to: ['staff@rink.test'] });
    const rule = await gql<{ createAlertRule: { id: string } }>(
      jarvis.url,
      `mutation($channels: [ID!]) { createAlertRule(input: { name: "ice too warm", expr: "rink_ice_temperature_celsius > 0",
        severity: CRITICAL, summary: "Rink {{labels.rink}} ice at {{value}} °C", channelIds: $channels }) { id } }`,
      { channels: [hook, mail] },
    );
    expect(rule.errors).toBeUndefined();

    await spotlight.logMetric('rink_ice_temperature_celsius', 1.5, { rink: 'north' });
    await waitFor(
      'the firing alert to reach both channels',
      async () => receiver.received.length >= 1 && smtp.messages().length >= 1,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    // Several more evaluations while it keeps firing: still one notification each.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.received).toHaveLength(1);
    expect(smtp.messages()).toHaveLength(1);
    expect(receiver.received[0]!.json).toMatchObject({
      event: 'ALERT_FIRING',
      subject: '[CRITICAL] ice too warm is firing',
      text: expect.stringContaining('Rink north ice at 1.5 °C'),
      data: {
        rule: 'ice too warm',
        state: 'FIRING',
        value: 1.5,
        labels: { rink: 'north', alertname: 'ice too warm' },
      },
    });
    expect(smtp.messages()[0]).toMatch(/^Subject: \[CRITICAL\] ice too warm is firing$/m);
    expect(smtp.messages()[0]).toMatch(/^To: staff@rink\.test$/m);

    await spotlight.logMetric('rink_ice_temperature_celsius', -6, { rink: 'north' });
    await waitFor(
      'the resolution to reach both channels',
      async () => receiver.received.length >= 2 && smtp.messages().length >= 2,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.received.map((h) => h.json.event)).toEqual(['ALERT_FIRING', 'ALERT_RESOLVED']);
    expect(smtp.messages()).toHaveLength(2);
    expect(smtp.messages()[1]).toMatch(/^Subject: \[resolved\] ice too warm$/m);

    const events = await alerts.until(2);
    expect(events.map((e) => e.data?.alertsChanged)).toEqual([
      // Each event carries the alert as it was when the event went out.
      {
        state: 'FIRING',
        alert: {
          state: 'FIRING',
          labels: expect.objectContaining({ rink: 'north' }),
          rule: { name: 'ice too warm' },
        },
      },
      {
        state: 'RESOLVED',
        alert: {
          state: 'RESOLVED',
          labels: expect.objectContaining({ rink: 'north' }),
          rule: { name: 'ice too warm' },
        },
      },
    ]);
    const { data } = await gql<{
      alerts: { edges: { node: { state: string; value: number; firedAt: string; resolvedAt: string } }[] };
    }>(jarvis.url, '{ alerts { edges { node { state value firedAt resolvedAt } } } }');
    expect(data!.alerts.edges.map((e) => e.node)).toEqual([
      { state: 'RESOLVED', value: 1.5, firedAt: expect.any(String), resolvedAt: expect.any(String) },
    ]);

    // Bad PromQL: Prometheus's error, with its place.
    const bad = await gql(
      jarvis.url,
      'mutation { createAlertRule(input: { name: "bad", expr: "rate(rink_ice_temperature_celsius[5m]" }) { id } }',
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      position: { line: 1, column: expect.any(Number) },
    });
    expect(bad.errors?.[0]?.message).toMatch(/^Prometheus refused the query: 1:\d+: parse error/);

    // Prometheus gone: BACKEND_UNAVAILABLE, and health says so.
    await prometheus.stop();
    const down = await gql(
      jarvis.url,
      '{ metricSeries(query: "up", start: "2026-01-01T00:00:00Z", end: "2026-01-01T00:10:00Z") { source } }',
    );
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const health = await gql<{ health: { name: string; status: string }[] }>(
      jarvis.url,
      '{ health { name status } }',
    );
    expect(health.data!.health).toContainEqual({ name: 'prometheus', status: 'DOWN' });
  } finally {
    await alerts.dispose?.();
    await receiver.close();
  }
});
