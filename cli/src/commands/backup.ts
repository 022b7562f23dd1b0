import { createRuntime, SUBGRAPHS } from '@jarvis/app';
import { createLogger } from '@jarvis/context';
import type { SubgraphModule } from '@jarvis/subgraph';
import cliProgress from 'cli-progress';
import { openBackupTarget } from '../backup/backupTarget.ts';
import { type Progress, runBackup } from '../backup/runBackup.ts';
import { runRestore } from '../backup/runRestore.ts';
import { startupConfig } from '../startupConfig.ts';

const MB = 1024 * 1024;

/** A progress bar on a terminal; a line per quarter elsewhere (CI logs). */
function progressReporter(action: string): { progress: Progress; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${action} [{bar}] {percentage}% | {value}/{total} MiB | {what}`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      progress(done, total, what) {
        if (!started) bar.start(Math.ceil(total / MB), 0, { what });
        started = true;
        bar.update(Math.floor(done / MB), { what });
      },
      stop: () => bar.stop(),
    };
  }
  let lastQuarter = -1;
  return {
    progress(done, total) {
      const quarter = total ? Math.floor((done / total) * 4) : 4;
      if (quarter > lastQuarter)
        console.error(
          `${action}: ${Math.round((done / (total || 1)) * 100)}% of ${(total / MB).toFixed(1)} MiB`,
        );
      lastQuarter = quarter;
    },
    stop() {},
  };
}

async function withModules<T>(
  configFile: string | undefined,
  fn: (modules: SubgraphModule[], runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>,
) {
  const { config } = startupConfig(configFile);
  const runtime = await createRuntime(config, { logger: createLogger({ level: 'warn' }) });
  const modules = SUBGRAPHS.map((s) => s.create(runtime));
  try {
    for (const m of modules) await m.start();
    return await fn(modules, runtime);
  } finally {
    for (const m of modules) await m.stop();
    await runtime.close();
  }
}

/** Runs a backup or restore with progress, and reports the outcome on one line either way. */
async function reported(
  action: string,
  configFile: string | undefined,
  work: WorkFn,
  summary: (result: Awaited<ReturnType<WorkFn>>) => string,
) {
  const reporter = progressReporter(action);
  try {
    const result = await withModules(configFile, (modules, runtime) =>
      work(modules, runtime, reporter.progress),
    );
    reporter.stop();
    console.log(summary(result));
  } catch (error) {
    reporter.stop();
    console.error(`${action} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

type Runtime = Awaited<ReturnType<typeof createRuntime>>;
type WorkFn = (
  modules: SubgraphModule[],
  runtime: Runtime,
  progress: Progress,
) => Promise<{ bytes: number; rows: number; files: number }>;

export function backup(where: string, options: { config?: string }) {
  return reported(
    'backup',
    options.config,
    async (modules, runtime, progress) => {
      const result = await runBackup(modules, runtime.db, openBackupTarget(where, runtime.config), progress);
      const rows = result.manifest.subgraphs.reduce(
        (n, s) => n + s.tables.reduce((a, t) => a + t.rows, 0),
        0,
      );
      return { bytes: result.bytes, rows, files: result.files };
    },
    (r) =>
      `backed up ${r.rows} rows and ${r.files} files (${(r.bytes / MB).toFixed(1)} MiB) to ${where}, each checked by sha256`,
  );
}

export function restore(where: string, options: { config?: string }) {
  return reported(
    'restore',
    options.config,
    async (modules, runtime, progress) => {
      const result = await runRestore(modules, runtime.db, openBackupTarget(where, runtime.config), progress);
      const files = result.manifest.subgraphs.reduce((n, s) => n + s.files.length, 0);
      return { bytes: result.bytes, rows: result.rows, files };
    },
    (r) =>
      `restored ${r.rows} rows and ${r.files} files (${(r.bytes / MB).toFixed(1)} MiB) from ${where}, each checked by sha256`,
  );
}
