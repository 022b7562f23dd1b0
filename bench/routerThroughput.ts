import os from 'node:os';
import { GUILD_QUERY } from '@jarvis/testkit/guildSubgraphs';
import { type Contender, compareContenders } from './harness/compareContenders.ts';
import { type LoadFigures, loadLoop } from './harness/loadLoop.ts';
import { peakRssMb, resetPeak } from './harness/processMemory.ts';
import {
  ROUTER_SETUPS,
  ROUTERS,
  type RouterName,
  startRouter,
  startStandIns,
} from './router/routerProcesses.ts';
import { RUNS } from './router/standInSubgraphs.ts';
import type { Workload } from './router/workloads.ts';

/**
 * Router throughput, ours beside Hive Gateway (as The Guild runs it, and at its defaults) and
 * plain @apollo/gateway, each its own process, at the same concurrency for the same time, in
 * alternating order over rounds (bench/harness). Two workloads:
 *
 * - `guild`: The Guild's federation gateway benchmark: four subgraphs, its heavy nested query
 *   (~87 KB answers), every request identical, as its k6 script sends them;
 * - `varied`: three stand-in subgraphs of Jarvis's shape, every request a different workflow run
 *   (two entity joins), so sharing identical requests cannot stand in for speed.
 *
 *   node bench/routerThroughput.ts
 *   (BENCH_SECONDS=10 BENCH_CONCURRENCY=50 BENCH_ROUNDS=3 BENCH_ONLY=jarvis,hive-best BENCH_WORKLOADS=guild)
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(',');
const WORKLOADS = (process.env.BENCH_WORKLOADS?.split(',') ?? ['guild', 'varied']) as ('guild' | 'varied')[];
const PEERS: RouterName[] = ['hive-best', 'hive', 'apollo'];

export const QUERY = `query Run($id: ID!) {
  workflowRun(id: $id) {
    id workflow status
    steps { stepId status attempt }
    run { name status metrics { key value } artifacts { totalCount edges { node { name version } } } }
  }
}`;

interface GuildData {
  users: { id: string; reviews: { product: { reviews: { author: { username: string } }[] } }[] }[];
  topProducts: { upc: string; shippingEstimate: number | null; reviews: unknown[] }[];
}

/**
 * The Guild query's answer, checked in full: the facts its data implies, and byte for byte the
 * same data as every other router gave. A router answering in another byte order is parsed and
 * compared once, then remembered.
 */
const accepted = new Set<string>();
let reference: string | undefined;
function checkGuild(text: string) {
  if (accepted.has(text)) return;
  const result = JSON.parse(text) as { data?: GuildData; errors?: unknown };
  if (result.errors) throw new Error(`errors: ${JSON.stringify(result.errors).slice(0, 300)}`);
  const data = result.data!;
  const facts =
    data.users.length === 6 &&
    data.users.every((u) => u.reviews.length === 2) &&
    data.users[0]!.reviews[0]!.product.reviews.length === 4 &&
    data.users[0]!.reviews[0]!.product.reviews[0]!.author.username === 'urigo' &&
    data.topProducts.length === 5 &&
    data.topProducts.map((p) => p.shippingEstimate).join() === '50,0,10,50,0';
  if (!facts) throw new Error(`the data is not the benchmark's: ${text.slice(0, 300)}`);
  const canonical = JSON.stringify(data);
  reference ??= canonical;
  if (canonical !== reference) throw new Error('the data differs from the first router’s answer');
  if (text.length > 0 && accepted.size < 16) accepted.add(text);
}

function checkVaried(text: string, i: number) {
  const result = JSON.parse(text) as {
    data?: { workflowRun?: { run?: { name: string; artifacts: { totalCount: number } } } };
    errors?: unknown;
  };
  const run = result.data?.workflowRun?.run;
  if (result.errors || run?.name !== `trial-${i % RUNS}` || run.artifacts.totalCount !== 2)
    throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
}

const guildBody = JSON.stringify({ query: GUILD_QUERY });
const load = (workload: 'guild' | 'varied', url: string, seconds: number) =>
  loadLoop({
    url,
    seconds,
    concurrency: CONCURRENCY,
    body:
      workload === 'guild'
        ? () => guildBody
        : (i) => JSON.stringify({ query: QUERY, variables: { id: `wr-${i % RUNS}` }, operationName: 'Run' }),
    check: workload === 'guild' ? checkGuild : checkVaried,
  });

type Measured = LoadFigures & { rssMb: number };

async function compare(workload: 'guild' | 'varied') {
  const subgraphs: Workload = workload === 'guild' ? 'guild' : 'stand-ins';
  const standIns = await startStandIns(subgraphs);
  const names = ['jarvis' as const, ...PEERS].filter((n) => !ONLY || n === 'jarvis' || ONLY.includes(n));
  const contenders: Contender<Measured>[] = names.map((name) => ({
    name,
    setup: ROUTER_SETUPS[name],
    async measure() {
      const router = await startRouter(name, standIns);
      try {
        await load(workload, router.url, 2); // warm-up: JIT, query plans, sockets
        resetPeak(router.child.pid!);
        const figures = await load(workload, router.url, SECONDS);
        return { ...figures, rssMb: peakRssMb(router.child.pid!) };
      } finally {
        await router.stop();
      }
    },
  }));
  try {
    await compareContenders({
      title:
        workload === 'guild'
          ? `Router, The Guild's gateway benchmark workload (heavy nested query, identical requests), ${CONCURRENCY} clients, ${SECONDS} s each`
          : `Router, varied requests (each a different workflow run, two entity joins), ${CONCURRENCY} clients, ${SECONDS} s each`,
      contenders,
      figures: [
        { label: 'req/s', unit: 'req/s', better: 'higher', of: (m) => m.rps },
        { label: 'p95 latency', unit: 'ms', better: 'lower', of: (m) => m.p95 },
        { label: 'router peak RSS', unit: 'MB', better: 'lower', of: (m) => m.rssMb },
      ],
    });
  } finally {
    await standIns.subgraphs.stop();
  }
}

console.log(
  `router throughput: ${os.cpus().length} cores; routers: ${ROUTERS.filter((r) => r !== 'jarvis-in-process').join(', ')}`,
);
for (const workload of WORKLOADS) await compare(workload);
