import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemBinary } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface PrometheusServer extends AsyncDisposable {
  url: string;
  version: string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** host:port targets to scrape at /metrics, as job `jarvis`. */
  targets?: string[];
  scrapeInterval?: string;
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const bin = systemBinary('prometheus');
  const scratch = scratchDir('prometheus');
  const port = await freePort();
  const interval = options.scrapeInterval ?? '1s';
  const targets = [`127.0.0.1:${port}`, ...(options.targets ?? [])];
  const config = path.join(scratch.dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\nscrape_configs:\n  - job_name: jarvis\n    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`,
  );
  const proc = new EngineProcess({
    name: 'prometheus',
    command: bin,
    args: [
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${path.join(scratch.dir, 'data')}`,
      '--log.level=error',
    ],
  });
  proc.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus', async () => (await fetch(`${url}/-/ready`)).ok, { isAlive: proc.exitReason });
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  return {
    url,
    version: execFileSync(bin, ['--version'], { stdio: 'pipe' }).toString().split('\n')[0]!.trim(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
