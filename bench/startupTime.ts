/**
 * Start-up: from spawning the process to its first answer, `jarvis dev` (every subgraph, the
 * router, PGlite on disk) beside `mlflow server` (its tracking server on SQLite, the peer a team
 * replaces), each from a fresh data directory (cold: migrations run) and again on the same one
 * (warm), in alternating rounds (bench/harness). Prints each time, the ratios, and each one's
 * resident memory once ready and at its peak while starting (the whole process tree: MLflow
 * serves from worker processes).
 *
 *   node bench/startupTime.ts
 *   BENCH_ROUNDS=5 node bench/startupTime.ts
 *
 * Start-up is measured here and only here: tests wait for readiness, they do not time it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineBinary, freePort } from '@jarvis/testkit';
import { compareContenders } from './harness/compareContenders.ts';
import { jarvisCommand } from './harness/jarvisCommand.ts';

/** Resident memory of a process and its descendants, in MB: now (VmRSS), or each one's peak (VmHWM). */
function treeRssMb(root: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents)
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(
        new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0,
      );
    } catch {}
  }
  return kb / 1024;
}

interface Start {
  ms: number;
  rssMb: number;
  peakMb: number;
}

/** Spawns, polls `ready` every 20 ms, and reports the time to the first success, the RSS then and the peak before. */
async function timeStart(
  command: string,
  args: string[],
  cwd: string,
  ready: () => Promise<boolean>,
): Promise<Start> {
  const started = performance.now();
  const child: ChildProcess = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (!(await ready().catch(() => false))) {
    if (exited) throw new Error(`${command} exited before it was ready:\n${stderr}`);
    if (performance.now() - started > 300_000) throw new Error(`${command} not ready after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ms = performance.now() - started;
  const rssMb = treeRssMb(child.pid!);
  const peakMb = treeRssMb(child.pid!, 'VmHWM');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  });
  return { ms, rssMb, peakMb };
}

async function mlflowStart(dir: string) {
  const port = await freePort();
  const args = ['server', '--host', '127.0.0.1', '--port', String(port)];
  args.push('--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`);
  args.push('--artifacts-destination', path.join(dir, 'artifacts'));
  return timeStart(
    engineBinary('mlflow'),
    args,
    dir,
    async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
  );
}

async function jarvisStart(dir: string) {
  const port = await freePort();
  const file = path.join(dir, 'jarvis.yaml');
  writeFileSync(file, JSON.stringify({ home: path.join(dir, 'home'), log: { level: 'warn' } }));
  const jarvis = jarvisCommand(['dev', '--port', String(port), '--config', file]);
  return timeStart(jarvis.command, jarvis.args, dir, async () => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    return (
      response.ok &&
      ((await response.json()) as { data?: { __typename?: string } }).data?.__typename === 'Query'
    );
  });
}

/** A fresh data directory (cold: migrations run), then the same one again (warm). */
const coldAndWarm = (name: string, start: (dir: string) => Promise<Start>) => async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-startup-${name}-`));
  try {
    const cold = await start(dir);
    const warm = await start(dir);
    return { cold, warm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await compareContenders({
  title: 'Start-up to the first answer, jarvis dev vs mlflow server, from a fresh data directory and again',
  contenders: [
    {
      name: 'jarvis',
      setup: '`jarvis dev` (every subgraph, the router, PGlite on disk), defaults',
      measure: coldAndWarm('jarvis', jarvisStart),
    },
    {
      name: 'mlflow',
      setup: '`mlflow server` defaults (its workers), SQLite store, local artifacts',
      measure: coldAndWarm('mlflow', mlflowStart),
    },
  ],
  figures: [
    { label: 'cold start', unit: 's', better: 'lower', of: (m) => m.cold.ms / 1000 },
    { label: 'warm start', unit: 's', better: 'lower', of: (m) => m.warm.ms / 1000 },
    { label: 'RSS once ready', unit: 'MB', better: 'lower', of: (m) => m.warm.rssMb },
    { label: 'peak RSS, cold start', unit: 'MB', better: 'lower', of: (m) => m.cold.peakMb },
    { label: 'peak RSS, warm start', unit: 'MB', better: 'lower', of: (m) => m.warm.peakMb },
  ],
});
