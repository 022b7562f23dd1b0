import os from 'node:os';
import WebSocket from 'ws';
import { compareContenders } from './harness/compareContenders.ts';
import { rssMb } from './harness/processMemory.ts';
import { quantile } from './harness/statistics.ts';
import { ROUTER_SETUPS, type RouterName, startRouter, startStandIns } from './router/routerProcesses.ts';

/**
 * Subscription fan-out: CLIENTS WebSocket clients on one workflow run's events through a router
 * (each event joins the experiment run from another subgraph); the subgraph publishes EVENTS
 * events; we measure the delay from publish to each client and the router's memory per
 * subscriber. Ours and Hive Gateway, on the same stand-in subgraph.
 *
 *   node bench/subscriptionFanout.ts   (BENCH_CLIENTS=5000 BENCH_EVENTS=20 BENCH_ROUNDS=3)
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 5_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const SUBSCRIPTION =
  'subscription Events($id: ID!) { workflowRunEvents(runId: $id) { sequence type at run { status run { name } } } }';

interface Client {
  socket: WebSocket;
  delays: number[];
}

/** A bare graphql-transport-ws client: the bench process holds thousands of them. */
function connect(url: string, onEvent: (data: { at: number; run: { run: { name: string } } }) => void) {
  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        payload?: { data?: { workflowRunEvents: never } };
      };
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: SUBSCRIPTION, variables: { id: 'wr-1' } },
          }),
        );
        resolve(socket);
      } else if (message.type === 'next' && message.payload?.data)
        onEvent(message.payload.data.workflowRunEvents);
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'error') reject(new Error(JSON.stringify(message)));
    });
  });
}

async function run(name: RouterName, standIns: Awaited<ReturnType<typeof startStandIns>>) {
  const router = await startRouter(name, standIns);
  const workflows = new URL(standIns.urls.workflows!);
  const subgraphBase = `${workflows.protocol}//${workflows.host}`;
  const clients: Client[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1_000));
    const baseline = rssMb(router.child.pid!);
    for (let i = 0; i < CLIENTS; i += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, CLIENTS - i) }, async () => {
          const client: Client = { socket: undefined as never, delays: [] };
          client.socket = await connect(router.url, (event) => {
            client.delays.push(Date.now() - event.at);
            if (event.run.run.name !== 'trial-1') throw new Error(`wrong join: ${JSON.stringify(event)}`);
          });
          clients.push(client);
        }),
      );
    }
    // Every subscription open at the router (and upstream) before the first event.
    let upstream = 0;
    for (let waited = 0; waited < 30_000; waited += 100) {
      upstream = ((await (await fetch(`${subgraphBase}/stats`)).json()) as { subscribers: number })
        .subscribers;
      if (upstream > 0 && (name !== 'hive' || upstream >= 1)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const subscribed = rssMb(router.child.pid!);
    for (let e = 1; e <= EVENTS; e++) {
      await fetch(`${subgraphBase}/publish`, {
        method: 'POST',
        body: JSON.stringify({ runId: 'wr-1', event: { sequence: e, type: 'STEP_PROGRESS', runId: 'wr-1' } }),
      });
      await new Promise((r) => setTimeout(r, 250));
    }
    const expected = CLIENTS * EVENTS;
    for (let waited = 0; waited < 30_000; waited += 100) {
      if (clients.reduce((n, c) => n + c.delays.length, 0) >= expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const delays = clients.flatMap((c) => c.delays).sort((a, b) => a - b);
    return {
      delivered: delays.length,
      expected,
      upstream,
      p50: quantile(delays, 0.5),
      p99: quantile(delays, 0.99),
      max: delays.at(-1) ?? NaN,
      kbPerSubscriber: ((subscribed - baseline) * 1024) / CLIENTS,
      rss: subscribed,
    };
  } finally {
    for (const c of clients) c.socket.terminate();
    await router.stop();
  }
}

const standIns = await startStandIns();
console.log(
  `subscription fan-out: ${CLIENTS} clients on one run, ${EVENTS} events 250 ms apart, ${os.cpus().length} cores`,
);
type Fanout = Awaited<ReturnType<typeof run>>;
/** Every subscriber got every event, with the join resolved (checked as each arrived). */
const measured = (name: RouterName) => async (): Promise<Fanout> => {
  const r = await run(name, standIns);
  if (r.delivered !== r.expected) throw new Error(`${name} delivered ${r.delivered} of ${r.expected} events`);
  console.log(`  ${name}: ${r.delivered}/${r.expected} events, ${r.upstream} upstream subscription(s)`);
  return r;
};
try {
  await compareContenders<Fanout>({
    title: `Subscription fan-out, ${CLIENTS} WebSocket subscribers on one run, ${EVENTS} events, each joining another subgraph`,
    contenders: [
      { name: 'jarvis', setup: ROUTER_SETUPS.jarvis, measure: measured('jarvis') },
      { name: 'hive', setup: ROUTER_SETUPS.hive, measure: measured('hive') },
    ],
    figures: [
      { label: 'delay p50', unit: 'ms', better: 'lower', of: (m) => m.p50 },
      { label: 'delay p99', unit: 'ms', better: 'lower', of: (m) => m.p99 },
      { label: 'memory per subscriber', unit: 'KiB', better: 'lower', of: (m) => m.kbPerSubscriber },
      { label: 'router RSS', unit: 'MB', better: 'lower', of: (m) => m.rss },
    ],
  });
} finally {
  await standIns.subgraphs.stop();
}
