import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, REDACTED, redactConfig } from '../src/index.ts';

function file(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-config-'));
  const f = path.join(dir, 'jarvis.yaml');
  writeFileSync(f, text);
  return f;
}

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded setup with no file at all', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'jarvis-empty-'));
    const { config, file: used } = loadConfig({ cwd, env: {} });
    expect(used).toBeUndefined();
    expect(config.home).toBe(path.join(cwd, '.jarvis'));
    expect(config.database.url).toBe('pglite');
    expect(config.pubsub.type).toBe('memory');
    expect(config.services.storage.type).toBe('local');
    expect(config.services.experiment.type).toBe('native');
    expect(config.services.workflow).toMatchObject({ type: 'local', task_queue: 'jarvis-pipeline-queue' });
    expect(config.server.port).toBe(4000);
  });

  it('reads the seed-shaped file (jarvis_core.services) with ${ENV} interpolation', () => {
    const f = file(`
jarvis_core:
  services:
    storage:
      type: s3
      endpoint: "http://minio:9000"
      access_key: "minioadmin"
      secret_key: "\${MINIO_SECRET}"
    workflow:
      type: temporal
      endpoint: "temporal:7233"
      namespace: "jarvis-workflows"
  server:
    port: \${PORT}
    host: \${HOST:-0.0.0.0}
`);
    const { config } = loadConfig({ file: f, env: { MINIO_SECRET: 's3cr3t', PORT: '4100' } });
    expect(config.services.storage).toMatchObject({
      type: 's3',
      secret_key: 's3cr3t',
      endpoint: 'http://minio:9000',
    });
    expect(config.services.workflow.namespace).toBe('jarvis-workflows');
    expect(config.server.port).toBe(4100);
    expect(config.server.host).toBe('0.0.0.0');
  });

  it('names the key path and what was expected for a value of the wrong type', () => {
    const issues = issuesOf(() => parseConfig({ server: { port: 'eighty' } }, 'jarvis.yaml', {}));
    expect(issues).toEqual([
      {
        path: 'server.port',
        message: expect.stringMatching(/expected number, received string \(got "eighty"\)/),
      },
    ]);
  });

  it('names an unknown key, however deep', () => {
    const issues = issuesOf(() =>
      parseConfig({ services: { storage: { bukets: ['x'] } } }, 'jarvis.yaml', {}),
    );
    expect(issues).toEqual([{ path: 'services.storage', message: expect.stringContaining('"bukets"') }]);
  });

  it('names a missing environment variable and how to give a default', () => {
    const f = file('services:\n  storage:\n    secret_key: ${NOT_SET_ANYWHERE}\n');
    expect(() => loadConfig({ file: f, env: {} })).toThrow(
      /services\.storage\.secret_key: environment variable NOT_SET_ANYWHERE is not set \(set it, or write \$\{NOT_SET_ANYWHERE:-default\}\)/,
    );
  });

  it('rejects an enum value it does not know and a required key that is missing', () => {
    const issues = issuesOf(() =>
      parseConfig({ services: { storage: { type: 'ftp' }, experiment: { type: 'mlflow' } } }, 'x', {}),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'services.experiment.tracking_uri',
      'services.storage.type',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const f = file('server:\n  port: 4000\n   host: x\n');
    expect(() => loadConfig({ file: f, env: {} })).toThrow(/not valid YAML at line \d+, column \d+/);
  });

  it('fails when an explicit file does not exist', () => {
    expect(() => loadConfig({ file: '/nonexistent/jarvis.yaml', env: {} })).toThrow(/file not found/);
  });

  it('JARVIS_HOME overrides home', () => {
    const { config } = loadConfig({ cwd: '/tmp', env: { JARVIS_HOME: '/var/lib/jarvis' } });
    expect(config.home).toBe('/var/lib/jarvis');
  });
});

describe('redactConfig', () => {
  it('never shows secrets: secret-named keys and URL passwords', () => {
    const config = parseConfig(
      {
        database: { url: 'postgres://jarvis:hunter2@db:5432/jarvis' },
        services: {
          storage: { type: 's3', endpoint: 'http://minio:9000', access_key: 'ak', secret_key: 'sk' },
        },
      },
      'x',
      {},
    );
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('"sk"');
    expect(redactConfig(config).services.storage.secret_key).toBe(REDACTED);
    expect(redactConfig(config).database.url).toBe(`postgres://jarvis:${REDACTED}@db:5432/jarvis`);
    expect(redactConfig(config).services.storage.access_key).toBe('ak');
  });

  it('a secret in an invalid value is not echoed in the error', () => {
    const issues = issuesOf(() => parseConfig({ services: { storage: { secret_key: 12345 } } }, 'x', {}));
    expect(issues[0]!.message).not.toContain('12345');
  });
});
