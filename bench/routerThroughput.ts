import http from 'node:http';
import os from 'node:os';
import { ROUTERS, startRouter, startStandIns } from './router/routerProcesses.ts';
import { RUNS } from './router/standInSubgraphs.ts';

/**
 * Router throughput: our router (over HTTP to the subgraphs, and with them in process), Hive
 * Gateway and plain @apollo/gateway in @apollo/server on one supergraph of three stand-in
 * subgraphs, each in turn at the same concurrency for the same time. Every request asks for a
 * different workflow run (two entity joins), so merging identical in-flight requests cannot
 * stand in for speed; a second table sends identical requests.
 *
 *   node bench/routerThroughput.ts   (BENCH_SECONDS=10 BENCH_CONCURRENCY=50 BENCH_ONLY=jarvis,hive)
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(',');

export const QUERY = `query Run($id: ID!) {
  workflowRun(id: $id) {
    id workflow status
    steps { stepId status attempt }
    run { name status metrics { key value } artifacts { totalCount edges { node { name version } } } }
  }
}`;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A closed loop: `concurrency` clients, each sending its next request when the last answered. */
async function load(url: string, seconds: number, concurrency: number, vary: boolean): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const deadline = performance.now() + seconds * 1_000;
  const one = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Buffer.concat(chunks).toString())
              : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < deadline) {
      const i = vary ? n++ % RUNS : 7;
      const body = JSON.stringify({ query: QUERY, variables: { id: `wr-${i}` }, operationName: 'Run' });
      const started = performance.now();
      try {
        const text = await one(body);
        // Check the answer, not only the status: every join must have resolved.
        const result = JSON.parse(text) as {
          data?: { workflowRun?: { run?: { name: string; artifacts: { totalCount: number } } } };
          errors?: unknown;
        };
        if (
          result.errors ||
          result.data?.workflowRun?.run?.name !== `trial-${i}` ||
          result.data.workflowRun.run.artifacts.totalCount !== 2
        ) {
          errors++;
          if (errors === 1) console.error(`  unexpected answer: ${text.slice(0, 300)}`);
        }
      } catch (error) {
        errors++;
        if (errors === 1) console.error(`  request failed: ${(error as Error).message.slice(0, 300)}`);
      }
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1_000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

async function main() {
  const { subgraphs, supergraphFile, urls } = await startStandIns();
  const routers = ROUTERS.map((name) => ({ name, start: () => startRouter(name, supergraphFile, urls) }));
  const results: Record<string, { varied: Figures; identical: Figures }> = {};
  console.log(
    `router throughput: ${CONCURRENCY} clients, ${SECONDS} s per router and table, ${os.cpus().length} cores\n`,
  );
  try {
    for (const router of routers) {
      if (ONLY && !ONLY.includes(router.name)) continue;
      const running = await router.start();
      try {
        await load(running.url, 2, CONCURRENCY, true); // warm-up: JIT, query plans, sockets
        const varied = await load(running.url, SECONDS, CONCURRENCY, true);
        const identical = await load(running.url, SECONDS, CONCURRENCY, false);
        results[router.name] = { varied, identical };
        console.log(
          `  ${router.name}: ${varied.rps.toFixed(0)} req/s varied, ${identical.rps.toFixed(0)} identical`,
        );
      } finally {
        await running.stop();
      }
    }
  } finally {
    await subgraphs.stop();
  }
  for (const table of ['varied', 'identical'] as const) {
    console.log(`\n${table === 'varied' ? 'Each request a different run' : 'Identical requests'}:`);
    console.log('| router | req/s | p50 ms | p99 ms | errors | ours ÷ it |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const ours = results.jarvis?.[table].rps;
    for (const [name, r] of Object.entries(results)) {
      const f = r[table];
      const ratio = ours && name !== 'jarvis' ? `${(ours / f.rps).toFixed(2)}×` : '';
      console.log(
        `| ${name} | ${f.rps.toFixed(0)} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.errors} | ${ratio} |`,
      );
    }
  }
}

await main();
