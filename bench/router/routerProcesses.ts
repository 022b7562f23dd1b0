import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryPubSub } from '@jarvis/pubsub';
import { composeSupergraph } from '@jarvis/router';
import { standInSubgraphs } from './standInSubgraphs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The routers the benchmarks compare, in the order they run. */
export const ROUTERS = ['jarvis', 'hive', 'apollo', 'jarvis-in-process'] as const;
export type RouterName = (typeof ROUTERS)[number];

export type Child = { child: ChildProcess; url: string; stop(): Promise<void> };

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

/** The stand-in subgraphs in a process of their own, and the supergraph of them on disk. */
export async function startStandIns() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-router-bench-'));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  const subgraphs = await startProcess([path.join(here, 'standInSubgraphs.ts')], (line) =>
    jsonUrl('workflows')(line) ? line : undefined,
  );
  const urls = JSON.parse(subgraphs.url) as Record<string, string>;
  writeFileSync(
    supergraphFile,
    composeSupergraph(
      standInSubgraphs(memoryPubSub()).map((s) => ({
        name: s.name,
        typeDefs: s.typeDefs,
        url: urls[s.name]!,
      })),
    ),
  );
  return { subgraphs, supergraphFile, urls };
}

/** One router as its own process; `hive` is Hive Gateway's own CLI with its defaults. */
export function startRouter(
  name: RouterName,
  supergraphFile: string,
  urls: Record<string, string>,
): Promise<Child> {
  if (name === 'hive') return startHive(supergraphFile);
  return startProcess(
    [path.join(here, 'serveGateway.ts'), name, supergraphFile, JSON.stringify(urls)],
    jsonUrl('url'),
  );
}

/**
 * Hive Gateway's CLI needs a port number, and a random one can be taken by then (any outgoing
 * connection's ephemeral port lies in that range), so a start that finds it in use tries another.
 */
async function startHive(supergraphFile: string, attempts = 5): Promise<Child> {
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
        ],
        (line) => /Listening on (http:\/\/\S+)/.exec(line)?.[1]?.replace(/\/?$/, '/graphql'),
      );
    } catch (error) {
      if (attempt >= attempts || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

/** Resident memory of a process, in MiB, from /proc. */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}
