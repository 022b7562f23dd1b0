/**
 * Start-up: from spawning the process to its first answer, `jarvis dev` (every subgraph, the
 * router, PGlite on disk) beside `mlflow server` (its tracking server on SQLite, the peer a team
 * replaces), each from a fresh data directory (cold: migrations run) and again on the same one
 * (warm). Prints each time, the ratio Jarvis/MLflow, and each one's resident memory once ready
 * (the whole process tree: MLflow serves from worker processes).
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
import { fileURLToPath } from 'node:url';
import { engineBinary, freePort } from '@jarvis/testkit';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const JARVIS = fileURLToPath(new URL('../cli/bin/jarvis.mjs', import.meta.url));

/** Resident memory of a process and its descendants, in MB. */
function treeRssMb(root: number): number {
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
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

/** Spawns, polls `ready` every 20 ms, and reports the time to the first success and the RSS then. */
async function timeStart(command: string, args: string[], cwd: string, ready: () => Promise<boolean>) {
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
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  });
  return { ms, rssMb };
}

async function jarvisStart(dir: string) {
  const port = await freePort();
  const file = path.join(dir, 'jarvis.yaml');
  writeFileSync(file, JSON.stringify({ home: path.join(dir, 'home'), log: { level: 'warn' } }));
  return timeStart(
    process.execPath,
    [JARVIS, 'dev', '--port', String(port), '--config', file],
    dir,
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      return response.ok;
    },
  );
}

async function mlflowStart(dir: string) {
  const port = await freePort();
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'];
  args.push('--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`);
  args.push('--artifacts-destination', path.join(dir, 'artifacts'));
  return timeStart(
    engineBinary('mlflow'),
    args,
    dir,
    async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const results: Record<string, { ms: number[]; rss: number[] }> = {};
const record = (key: string, r: { ms: number; rssMb: number }) => {
  results[key] ??= { ms: [], rss: [] };
  results[key].ms.push(r.ms);
  results[key].rss.push(r.rssMb);
};

for (let round = 0; round < ROUNDS; round++) {
  for (const [name, start] of [
    ['jarvis', jarvisStart],
    ['mlflow', mlflowStart],
  ] as const) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `bench-startup-${name}-`));
    try {
      record(`${name} cold`, await start(dir));
      record(`${name} warm`, await start(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

console.log(`start-up to first answer, median of ${ROUNDS} (2 cores; lower is better)\n`);
console.log('| start | jarvis dev | mlflow server | Jarvis / MLflow | RSS jarvis | RSS mlflow |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const kind of ['cold', 'warm']) {
  const j = results[`jarvis ${kind}`]!;
  const m = results[`mlflow ${kind}`]!;
  console.log(
    `| ${kind} | ${(median(j.ms) / 1000).toFixed(2)} s | ${(median(m.ms) / 1000).toFixed(2)} s | ${(median(j.ms) / median(m.ms)).toFixed(2)} | ${median(j.rss).toFixed(0)} MB | ${median(m.rss).toFixed(0)} MB |`,
  );
}
