import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from '@jarvis/router';
import { eventBus, RUNS, standInSubgraphs } from './router/standInSubgraphs.ts';

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
const here = path.dirname(fileURLToPath(import.meta.url));

export const QUERY = `query Run($id: ID!) {
  workflowRun(id: $id) {
    id workflow status
    steps { stepId status attempt }
    run { name status metrics { key value } artifacts { totalCount edges { node { name version } } } }
  }
}`;

type Child = { child: ChildProcess; url: string; stop(): Promise<void> };

/** Starts a process that prints one JSON line with its URL (or Hive Gateway's log line). */
function startProcess(args: string[], match: (line: string) => string | undefined): Promise<Child> {
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: colours in Hive Gateway's log
      output += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
      for (const line of output.split('\n')) {
        const url = match(line);
        if (url) {
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          resolve({
            child,
            url,
            stop: () =>
              new Promise<void>((r) => {
                child.once('exit', () => r());
                // SIGTERM lets a --cpu-prof run write its profile.
                child.kill(nodeArgs.length ? 'SIGTERM' : 'SIGKILL');
              }),
          });
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output}`)));
  });
}

const jsonUrl = (key: string) => (line: string) => {
  try {
    return (JSON.parse(line) as Record<string, string>)[key];
  } catch {
    return undefined;
  }
};

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-router-bench-'));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  const subgraphs = await startProcess([path.join(here, 'router/standInSubgraphs.ts')], (line) =>
    jsonUrl('workflows')(line) ? line : undefined,
  );
  const urls = JSON.parse(subgraphs.url) as Record<string, string>;
  writeFileSync(
    supergraphFile,
    composeSupergraph(
      standInSubgraphs(eventBus()).map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: urls[s.name]! })),
    ),
  );
  const routers: { name: string; start(): Promise<Child> }[] = [
    {
      name: 'jarvis',
      start: () =>
        startProcess(
          [path.join(here, 'router/serveGateway.ts'), 'jarvis', supergraphFile, JSON.stringify(urls)],
          jsonUrl('url'),
        ),
    },
    {
      name: 'hive',
      start: () =>
        startProcess(
          [
            path.join(here, '../node_modules/@graphql-hive/gateway/dist/bin.js'),
            'supergraph',
            supergraphFile,
            '--host',
            '127.0.0.1',
            '--port',
            String(40_000 + Math.floor(Math.random() * 10_000)),
            '--fork',
            '1',
          ],
          (line) => /Listening on (http:\/\/\S+)/.exec(line)?.[1]?.replace(/\/?$/, '/graphql'),
        ),
    },
    {
      name: 'apollo',
      start: () =>
        startProcess(
          [path.join(here, 'router/serveGateway.ts'), 'apollo', supergraphFile, JSON.stringify(urls)],
          jsonUrl('url'),
        ),
    },
    {
      name: 'jarvis-in-process',
      start: () =>
        startProcess(
          [
            path.join(here, 'router/serveGateway.ts'),
            'jarvis-in-process',
            supergraphFile,
            JSON.stringify(urls),
          ],
          jsonUrl('url'),
        ),
    },
  ];
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
  void readFileSync;
}

await main();
