import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryPubSub } from '@jarvis/pubsub';
import { composeSupergraph } from '@jarvis/router';
import { type Workload, workloadSubgraphs } from './workloads.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The routers the benchmarks compare. `hive-best` is Hive Gateway as The Guild's own gateway
 * benchmark runs it (`--jit`, `inboundInflightRequestDeduplication: true`, NODE_ENV=production);
 * `hive` is its CLI's defaults; `apollo` plain @apollo/gateway in @apollo/server.
 */
export const ROUTERS = ['jarvis', 'hive-best', 'hive', 'apollo', 'jarvis-in-process'] as const;
export type RouterName = (typeof ROUTERS)[number];

/** What each router runs as, printed beside its figures. */
export const ROUTER_SETUPS: Record<RouterName, string> = {
  jarvis: 'our router as `jarvis serve router` runs it, defaults (subgraphs over HTTP)',
  'jarvis-in-process': 'our router with the subgraphs in its process, as `jarvis dev` runs it',
  'hive-best':
    "Hive Gateway's CLI as The Guild's gateway benchmark runs it: --jit, inboundInflightRequestDeduplication: true, NODE_ENV=production",
  hive: "Hive Gateway's CLI with its defaults, NODE_ENV=production",
  apollo: '@apollo/gateway in @apollo/server standalone, defaults',
};

export type Child = { child: ChildProcess; url: string; stop(): Promise<void> };

/** Starts a process that prints one JSON line with its URL (or Hive Gateway's log line). */
function startProcess(
  args: string[],
  match: (line: string) => string | undefined,
  cwd?: string,
): Promise<Child> {
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
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

const wholeJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

/** A workload's subgraphs in a process of their own, and the supergraph of them on disk. */
export async function startStandIns(workload: Workload = 'stand-ins') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-router-bench-'));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  const subgraphs = await startProcess([path.join(here, 'serveSubgraphs.ts'), workload], (line) =>
    wholeJson(line) ? line : undefined,
  );
  const urls = JSON.parse(subgraphs.url) as Record<string, string>;
  writeFileSync(
    supergraphFile,
    composeSupergraph(
      workloadSubgraphs(workload, memoryPubSub()).map((s) => ({
        name: s.name,
        typeDefs: s.typeDefs,
        url: urls[s.name]!,
      })),
    ),
  );
  return { subgraphs, supergraphFile, urls, workload };
}

/** One router as its own process. */
export function startRouter(
  name: RouterName,
  standIns: { supergraphFile: string; urls: Record<string, string>; workload: Workload },
): Promise<Child> {
  if (name === 'hive' || name === 'hive-best')
    return startHive(standIns.supergraphFile, name === 'hive-best');
  return startProcess(
    [
      path.join(here, 'serveGateway.ts'),
      name,
      standIns.supergraphFile,
      JSON.stringify(standIns.urls),
      standIns.workload,
    ],
    jsonUrl('url'),
  );
}

/**
 * Hive Gateway's CLI needs a port number, and a random one can be taken by then (any outgoing
 * connection's ephemeral port lies in that range), so a start that finds it in use tries another.
 */
async function startHive(supergraphFile: string, best: boolean, attempts = 5): Promise<Child> {
  // The Guild's gateway.config.ts, the same option, as a module the CLI loads from its directory.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-hive-'));
  if (best)
    writeFileSync(
      path.join(dir, 'gateway.config.mjs'),
      'export const gatewayConfig = { inboundInflightRequestDeduplication: true };\n',
    );
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProcess(
        [
          path.join(here, '../../node_modules/@graphql-hive/gateway/dist/bin.js'),
          'supergraph',
          supergraphFile,
          '--host',
          '127.0.0.1',
          '--port',
          String(40_000 + Math.floor(Math.random() * 10_000)),
          ...(best ? ['--jit', '--config-path', path.join(dir, 'gateway.config.mjs')] : []),
        ],
        (line) => /Listening on (http:\/\/\S+)/.exec(line)?.[1]?.replace(/\/?$/, '/graphql'),
        dir,
      );
    } catch (error) {
      if (attempt >= attempts || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}
