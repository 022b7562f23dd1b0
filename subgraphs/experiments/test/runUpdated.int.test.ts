import { gql, servedJarvis, startRedis, waitFor } from '@jarvis/testkit';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';

interface Update {
  kind: string;
  status: string;
  metrics: { key: string; value: number; step: number }[];
  run: {
    name: string;
    status: string;
    latest: { key: string; value: number }[];
    artifacts: { totalCount: number };
  };
}

/** Collects a subscription's events; resolves once `count` arrived. */
function collect(url: string, query: string, variables: Record<string, unknown>, count: number) {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    lazy: false,
    retryAttempts: 0,
  });
  const events: {
    data?: { runUpdated: Update };
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }[] = [];
  const done = new Promise<typeof events>((resolve, reject) => {
    client.subscribe(
      { query, variables },
      {
        next: (event) => {
          events.push(event as (typeof events)[number]);
          if (events.length === count) resolve(events);
        },
        error: (error) => (Array.isArray(error) ? resolve([{ errors: error }]) : reject(error)),
        complete: () => resolve(events),
      },
    );
  });
  return { done, dispose: () => client.dispose() };
}

const RUN_UPDATED = `subscription($run: ID!) {
  runUpdated(runId: $run) {
    kind status metrics { key value step }
    run { name status latest: metrics { key value } artifacts { totalCount } }
  }
}`;

for (const pubsub of ['memory', 'redis'] as const) {
  describe(`runUpdated over graphql-ws (pubsub: ${pubsub})`, () => {
    it('streams metric points and status changes as they are logged, by GraphQL and by the MLflow API, with fields of other subgraphs', async () => {
      await using redis = pubsub === 'redis' ? await startRedis() : undefined;
      await using jarvis = await servedJarvis(redis ? { pubsub: { type: 'redis', url: redis.url } } : {});
      const exp = await gql<{ createExperiment: { id: string } }>(
        jarvis.url,
        'mutation { createExperiment(name: "live") { id } }',
      );
      const created = await gql<{ createRun: { id: string } }>(
        jarvis.url,
        `mutation { createRun(input: { experimentId: "${exp.data!.createExperiment.id}", name: "live-run" }) { id } }`,
      );
      const runId = created.data!.createRun.id;
      // Other subgraphs hold subscriptions of their own (workflows' event triggers).
      const before = jarvis.runtime.pubsub.subscriberCount();
      const stream = collect(jarvis.url, RUN_UPDATED, { run: runId }, 3);
      try {
        // Live once the router holds the pubsub subscription.
        await waitFor(
          'the subscription',
          async () => jarvis.runtime.pubsub.subscriberCount() === before + 1,
          {
            timeoutMs: 10_000,
            intervalMs: 20,
          },
        );
        await gql(
          jarvis.url,
          `mutation { logBatch(runId: "${runId}", metrics: [{ key: "loss", value: 0.5, step: 1 }, { key: "loss", value: 0.25, step: 2 }]) { id } }`,
        );
        const viaMlflow = await fetch(`${jarvis.url}/api/2.0/mlflow/runs/log-metric`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ run_id: runId, key: 'acc', value: 0.9, timestamp: Date.now(), step: 2 }),
        });
        expect(viaMlflow.status).toBe(200);
        await gql(jarvis.url, `mutation { updateRun(id: "${runId}", status: FINISHED) { id } }`);
        const events = await stream.done;
        expect(events.map((e) => e.errors)).toEqual([undefined, undefined, undefined]);
        const [first, second, third] = events.map((e) => e.data!.runUpdated);
        expect(first).toMatchObject({
          kind: 'LOGGED',
          status: 'RUNNING',
          metrics: [
            { key: 'loss', value: 0.5, step: 1 },
            { key: 'loss', value: 0.25, step: 2 },
          ],
          run: { name: 'live-run', status: 'RUNNING', artifacts: { totalCount: 0 } },
        });
        expect(second).toMatchObject({ kind: 'LOGGED', metrics: [{ key: 'acc', value: 0.9, step: 2 }] });
        expect(second!.run.latest).toEqual([
          { key: 'acc', value: 0.9 },
          { key: 'loss', value: 0.25 },
        ]);
        expect(third).toMatchObject({
          kind: 'UPDATED',
          status: 'FINISHED',
          metrics: [],
          run: { status: 'FINISHED' },
        });
      } finally {
        await stream.dispose();
      }
    });
  });
}

it('subscribing to a run that does not exist is NOT_FOUND', async () => {
  await using jarvis = await servedJarvis();
  const stream = collect(jarvis.url, RUN_UPDATED, { run: '0123456789abcdef0123456789abcdef' }, 1);
  try {
    const [event] = await stream.done;
    expect(event!.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  } finally {
    await stream.dispose();
  }
});
