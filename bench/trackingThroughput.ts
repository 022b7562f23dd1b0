/**
 * Tracking throughput: Jarvis (native store on PostgreSQL) against a real MLflow server keeping
 * its runs in the same PostgreSQL server, side by side, through the same MLflow REST API and the
 * same client code, in alternating rounds (bench/harness). Prints each figure and the ratios
 * (the goal: >= 20x on logging and create-run, >= 10x on search p95).
 *
 *   node bench/trackingThroughput.ts
 *   BENCH_RUNS=100000 BENCH_CLIENTS=20 BENCH_SEARCHES=40 node bench/trackingThroughput.ts
 *
 * Workloads, each with BENCH_CLIENTS concurrent clients on their own runs:
 *   log-batch 10    runs/log-batch with 10 metrics per call           (points/s)
 *   log-batch 500   runs/log-batch with 500 metrics per call          (points/s)
 *   create-run      runs/create                                        (runs/s)
 *   search          runs/search over BENCH_RUNS runs of one experiment with
 *                   `metrics.acc > 0.9` ordered by `metrics.acc DESC`, 100 per page (p50, p95 ms)
 * MLflow runs with 4 workers and its pool sized to the clients; Jarvis is one `jarvis dev` process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMlflow, startPostgres } from '@jarvis/testkit';
import pg from 'pg';
import { compareContenders } from './harness/compareContenders.ts';
import { quantile } from './harness/statistics.ts';
import { createExperiment, createRun, mlflowCall } from './mlflowRest.ts';
import { startJarvisProcess } from './startJarvisProcess.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Every client repeats `work` for SECONDS; returns completed operations per second. */
async function sustained(work: (client: number, i: number) => Promise<number>) {
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  let units = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < until; i++) {
        // Not `units += await …`: that reads `units` before the await and loses the others' counts.
        const done = await work(client, i);
        units += done;
      }
    }),
  );
  return units / ((performance.now() - started) / 1000);
}

async function logBatches(base: string, experimentId: string, perBatch: number) {
  const runs = await Promise.all(Array.from({ length: CLIENTS }, () => createRun(base, experimentId)));
  const batches = new Array<number>(CLIENTS).fill(0);
  const rate = await sustained(async (client, i) => {
    batches[client] = i + 1;
    const timestamp = Date.now();
    await mlflowCall(base, 'POST', 'runs/log-batch', {
      run_id: runs[client],
      metrics: Array.from({ length: perBatch }, (_, j) => ({
        key: `m${j % 10}`,
        value: Math.random(),
        timestamp,
        step: i * perBatch + j,
      })),
    });
    return perBatch;
  });
  // The content, not only the statuses: every point of client 0's run is there to read back.
  const history = await mlflowCall<{ metrics?: { step: number }[] }>(
    base,
    'GET',
    `metrics/get-history?run_id=${runs[0]}&metric_key=m0&max_results=25000`,
  );
  const expected = (batches[0]! * perBatch) / 10;
  if (history.metrics?.length !== expected)
    throw new Error(`run ${runs[0]} has ${history.metrics?.length} points of m0 logged; ${expected} were`);
  return rate;
}

/** Seeds `RUNS` finished runs with a metric, a param and a tag, straight into each store's tables. */
async function seed(database: string, store: 'jarvis' | 'mlflow', experimentId: string) {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  const value = '(((i * 7919) % 100000) / 100000.0)';
  const id = "md5('seed' || i || now())";
  if (store === 'jarvis') {
    await client.query(`
      create temp table seeded as select i, ${id} as id from generate_series(1, ${RUNS}) i;
      insert into experiments.runs (id, project_id, experiment_id, name, status, start_time, end_time, lifecycle_stage, artifact_uri)
        select id, 'default', ${experimentId}, 'seed-' || i, 'FINISHED', 1700000000000 + i, 1700000001000 + i, 'active',
               'mlflow-artifacts:/${experimentId}/' || id || '/artifacts' from seeded;
      insert into experiments.latest_metrics (run_id, key, value, timestamp, step) select id, 'acc', ${value}, 1, 0 from seeded;
      insert into experiments.metrics (run_id, key, value, timestamp, step) select id, 'acc', ${value}, 1, 0 from seeded;
      insert into experiments.params (run_id, key, value) select id, 'lr', '0.0' || (i % 5) from seeded;
      insert into experiments.run_tags (run_id, key, value) select id, 'mlflow.runName', 'seed-' || i from seeded;
`);
  } else {
    await client.query(`
      create temp table seeded as select i, ${id} as id from generate_series(1, ${RUNS}) i;
      insert into runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
                        source_version, lifecycle_stage, artifact_uri, experiment_id)
        select id, 'seed-' || i, 'LOCAL', '', '', 'bench', 'FINISHED', 1700000000000 + i, 1700000001000 + i, '', 'active',
               'mlflow-artifacts:/${experimentId}/' || id || '/artifacts', ${experimentId} from seeded;
      insert into latest_metrics (key, value, timestamp, step, is_nan, run_uuid) select 'acc', ${value}, 1, 0, false, id from seeded;
      insert into metrics (key, value, timestamp, step, is_nan, run_uuid) select 'acc', ${value}, 1, 0, false, id from seeded;
      insert into params (key, value, run_uuid) select 'lr', '0.0' || (i % 5), id from seeded;
      insert into tags (key, value, run_uuid) select 'mlflow.runName', 'seed-' || i, id from seeded;
`);
  }
  // Vacuumed now, so autovacuum does not wake up on the new rows while latencies are measured.
  await client.query('vacuum analyze');
  await client.end();
}

async function searchLatencies(base: string, experimentId: string) {
  const times: number[] = [];
  for (let i = 0; i < SEARCHES + 3; i++) {
    const started = performance.now();
    const page = await mlflowCall<{ runs?: unknown[] }>(base, 'POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: 'metrics.acc > 0.9',
      order_by: ['metrics.acc DESC'],
      max_results: 100,
    });
    if (page.runs?.length !== 100) throw new Error(`search returned ${page.runs?.length} runs, expected 100`);
    if (i >= 3) times.push(performance.now() - started); // the first ones warm caches
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

interface Tracking {
  batch10: number;
  batch500: number;
  createRun: number;
  searchP50: number;
  searchP95: number;
}

/** One round of every workload against one server; search runs on the experiment seeded once. */
async function measure(base: string, searchExperiment: string): Promise<Tracking> {
  const experimentId = await createExperiment(base, `bench-${Date.now()}`);
  const batch10 = await logBatches(base, experimentId, 10);
  const batch500 = await logBatches(base, experimentId, 500);
  const createRunRate = await sustained(async () => {
    await createRun(base, experimentId);
    return 1;
  });
  const { p50, p95 } = await searchLatencies(base, searchExperiment);
  return { batch10, batch500, createRun: createRunRate, searchP50: p50, searchP95: p95 };
}

async function seeded(name: string, base: string, database: string, store: 'jarvis' | 'mlflow') {
  const experiment = await createExperiment(base, `bench-search-${Date.now()}`);
  const seeding = performance.now();
  await seed(database, store, experiment);
  console.log(`${name}: seeded ${RUNS} runs in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  return experiment;
}

/** Waits until the machine's CPUs are mostly idle (MLflow's workers finish importing). */
async function waitForIdle() {
  const busy = () => {
    const [user, nice, system, idle] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .split(/\s+/)
      .slice(1, 5)
      .map(Number);
    return { used: user! + nice! + system!, idle: idle! };
  };
  for (let i = 0; i < 60; i++) {
    const a = busy();
    await new Promise((r) => setTimeout(r, 500));
    const b = busy();
    if ((b.used - a.used) / (b.used - a.used + b.idle - a.idle) < 0.1) return;
  }
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'jarvis-bench-tracking-'));
  await using postgres = await startPostgres();
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('create database jarvis');
  await admin.query('create database mlflow');
  await admin.end();
  const databaseUrl = (name: string) => {
    const url = new URL(postgres.url);
    url.pathname = `/${name}`;
    return url.toString();
  };
  console.log(
    `tracking throughput: ${CLIENTS} clients, ${SECONDS} s per workload, search over ${RUNS} runs (${postgres.version})`,
  );
  // Both run throughout, measured in alternating order; neither serves while the other is measured.
  const jarvis = await startJarvisProcess(path.join(work, 'jarvis'), {
    database: { url: databaseUrl('jarvis') },
  });
  try {
    // MLflow's connection pool (5 + 10 per worker by default) times out under 20 clients.
    await using mlflow = await startMlflow({
      backendStoreUri: databaseUrl('mlflow').replace(/^postgres(ql)?:/, 'postgresql+psycopg2:'),
      workers: 4,
      env: {
        MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: String(CLIENTS),
        MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW: String(CLIENTS),
      },
    });
    const jarvisSearch = await seeded('jarvis', jarvis.url, databaseUrl('jarvis'), 'jarvis');
    const mlflowSearch = await seeded('mlflow', mlflow.url, databaseUrl('mlflow'), 'mlflow');
    await waitForIdle(); // MLflow's workers take ~10 s of CPU to import
    await compareContenders({
      title: `Tracking through the MLflow REST API, ${CLIENTS} clients, ${SECONDS} s per workload, search over ${RUNS} runs, one PostgreSQL`,
      contenders: [
        {
          name: 'jarvis',
          setup: '`jarvis dev`, native tracking store on PostgreSQL, defaults',
          measure: () => measure(jarvis.url, jarvisSearch),
        },
        {
          name: 'mlflow',
          setup: `\`mlflow server\` ${mlflow.version}, 4 workers, SQLAlchemy pool ${CLIENTS} + ${CLIENTS} overflow (sized to the clients), same PostgreSQL`,
          measure: () => measure(mlflow.url, mlflowSearch),
        },
      ],
      figures: [
        { label: 'log-batch 10', unit: 'points/s', better: 'higher', of: (m) => m.batch10 },
        { label: 'log-batch 500', unit: 'points/s', better: 'higher', of: (m) => m.batch500 },
        { label: 'create-run', unit: 'runs/s', better: 'higher', of: (m) => m.createRun },
        { label: 'search p50', unit: 'ms', better: 'lower', of: (m) => m.searchP50 },
        { label: 'search p95', unit: 'ms', better: 'lower', of: (m) => m.searchP95 },
      ],
    });
    console.log(
      `Jarvis peak RSS ${jarvis.peakRssMb().toFixed(0)} MB (${jarvis.baselineMb.toFixed(0)} MB idle before)`,
    );
  } finally {
    await jarvis.stop();
  }
  rmSync(work, { recursive: true, force: true });
}

await main();
