import { createRuntime } from '@jarvis/app';
import { ConfigError, loadConfig } from '@jarvis/config';
import { createLogger } from '@jarvis/context';
import type { HealthResult } from '@jarvis/telemetry';

const FIX: Record<string, string> = {
  database: 'check database.url; for a server, is PostgreSQL running and does the user exist?',
  pubsub: 'check pubsub.url; is redis-server running?',
  'object-store': 'check services.storage.endpoint and that MinIO/S3 is reachable',
  mlflow: 'check services.experiment.tracking_uri; is `mlflow server` running?',
  temporal: 'check services.workflow.endpoint; is the Temporal frontend (port 7233) up?',
  prometheus: 'check services.analytics.endpoint; is Prometheus running?',
};

/** Checks the runtime, the configuration and every configured backend, and says what to fix. */
export async function doctor(options: { config?: string }): Promise<number> {
  let failures = 0;
  const line = (ok: boolean, name: string, detail: string) => {
    if (!ok) failures++;
    console.log(`${ok ? ' ok ' : 'FAIL'}  ${name.padEnd(14)} ${detail}`);
  };
  const [major] = process.versions.node.split('.').map(Number);
  line(
    major! >= 24,
    'node',
    `${process.version}${major! >= 24 ? '' : ' (needs 24+: `. scripts/node24.sh`)'}`,
  );
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(options.config ? { file: options.config } : {});
    line(true, 'config', config.file ?? 'no jarvis.yaml: embedded defaults');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    line(false, 'config', error.message);
    return 1;
  }
  let results: HealthResult[] = [];
  try {
    const runtime = await createRuntime(config.config, { logger: createLogger({ level: 'silent' }) });
    results = await runtime.health.checkAll(5_000);
    await runtime.close();
  } catch (error) {
    line(false, 'database', `${error instanceof Error ? error.message : String(error)} — ${FIX.database}`);
  }
  for (const r of results) {
    line(
      r.status === 'UP',
      r.name,
      r.status === 'UP'
        ? `${r.message ?? 'up'} (${r.latencyMs} ms)`
        : `${r.message} — ${FIX[r.name] ?? 'see its logs'}`,
    );
  }
  console.log(failures ? `\n${failures} problem(s) found.` : '\nEverything Jarvis needs is answering.');
  return failures ? 1 : 0;
}
