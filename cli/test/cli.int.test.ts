import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@jarvis/config';
import { dashboardProblems } from '@jarvis/subgraph-analytics';
import { freePort, runJarvis, waitFor } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `jarvis-cli-${prefix}-`));

async function query(url: string, q: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('jarvis CLI', () => {
  it('`jarvis dev` starts and answers health, shuts down cleanly on SIGINT and SIGTERM, and loses nothing', async () => {
    const home = tmp('home');
    const cwd = tmp('cwd');
    const first = runJarvis(['dev', '--port', '0'], { JARVIS_HOME: home }, cwd);
    const [, url] = await first.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/);
    // The console's address, as printed, opens the console in a browser.
    expect(first.output()).toContain(`Console    ${url}/\n`);
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('<title>Jarvis console</title>');
    const health = await query(url!, '{ health { name status } }');
    expect(health.errors).toBeUndefined();
    expect(health.data!.health).toContainEqual({ name: 'database', status: 'UP' });
    const set = await query(
      url!,
      'mutation { setSetting(component: "toolchain", key: "epochs", value: 40) { version } }',
    );
    expect(set.errors).toBeUndefined();

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('SIGINT: finishing in-flight requests');

    const second = runJarvis(['dev', '--port', '0'], { JARVIS_HOME: home }, cwd);
    const [, url2] = await second.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/);
    const kept = await query(url2!, '{ setting(component: "toolchain", key: "epochs") { value version } }');
    expect(kept.data!.setting).toEqual({ value: 40, version: 1 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('an invalid jarvis.yaml stops start-up with the key path and what was expected', async () => {
    const cwd = tmp('bad');
    writeFileSync(
      path.join(cwd, 'jarvis.yaml'),
      'server:\n  port: "eighty"\nservices:\n  storage:\n    type: ftp\n',
    );
    const run = runJarvis(['dev'], { JARVIS_HOME: tmp('home') }, cwd);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('server.port: Invalid input: expected number, received string');
    expect(run.output()).toContain('services.storage.type: Invalid option: expected one of "local"|"s3"');
  });

  it('`jarvis doctor` says ok for the embedded setup and names what to fix otherwise', async () => {
    const cwd = tmp('doctor');
    const ok = runJarvis(['doctor'], { JARVIS_HOME: tmp('home') }, cwd);
    expect(await ok.exited).toBe(0);
    expect(ok.output()).toMatch(/ ok +database +pglite/);
    expect(ok.output()).toContain('Everything Jarvis needs is answering.');

    const deadPort = await freePort();
    writeFileSync(
      path.join(cwd, 'jarvis.yaml'),
      `pubsub:\n  type: redis\n  url: redis://127.0.0.1:${deadPort}\n`,
    );
    const bad = runJarvis(['doctor'], { JARVIS_HOME: tmp('home') }, cwd);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/FAIL +pubsub .* is redis-server running\?/);
  });

  it('`jarvis compose` writes a stack whose config Jarvis itself accepts', async () => {
    const dir = tmp('compose');
    const run = runJarvis(['compose', '--dir', dir]);
    expect(await run.exited).toBe(0);
    const compose = parseYaml(readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'redis',
        'minio',
        'temporal',
        'mlflow',
        'prometheus',
        'grafana',
        'router',
        'platform',
      ]),
    );
    expect(compose.services.platform.command).toEqual(['serve', 'platform']);
    const config = parseConfig(
      parseYaml(readFileSync(path.join(dir, 'deploy/jarvis.yaml'), 'utf8')),
      'deploy/jarvis.yaml',
      {
        POSTGRES_PASSWORD: 'p',
        MINIO_ROOT_PASSWORD: 'm',
        JARVIS_INTERNAL_SECRET: 's'.repeat(32),
        JARVIS_DRIVES_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
    );
    // On a network, the stack authenticates, and its processes share the internal secret.
    expect(config.auth).toMatchObject({ mode: 'keys', internal_secret: 's'.repeat(32) });
    expect(config.server.subgraphs.platform).toBe('http://platform:4000/graphql');
    expect(config.services.workflow.type).toBe('temporal');
    expect(config.services.drives.secret_key).toBe(Buffer.alloc(32, 7).toString('base64'));
    // Grafana is provisioned with the datasource the dashboards' panels name, and a valid overview.
    const datasources = parseYaml(
      readFileSync(path.join(dir, 'deploy/grafana/provisioning/datasources/jarvis.yml'), 'utf8'),
    );
    expect(datasources.datasources).toEqual([
      expect.objectContaining({
        uid: 'jarvis-prometheus',
        type: 'prometheus',
        url: 'http://prometheus:9090',
      }),
    ]);
    const overview = JSON.parse(
      readFileSync(path.join(dir, 'deploy/grafana/dashboards/jarvis-overview.json'), 'utf8'),
    );
    expect(dashboardProblems(overview)).toEqual([]);
    expect(compose.services.grafana.volumes).toContain(
      './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
    );
  });

  it('the committed docker-compose.yml and deploy/ are what `jarvis compose` writes today', async () => {
    const dir = tmp('compose-fresh');
    expect(await runJarvis(['compose', '--dir', dir]).exited).toBe(0);
    const root = new URL('../../', import.meta.url);
    for (const file of [
      'docker-compose.yml',
      'deploy/jarvis.yaml',
      'deploy/prometheus.yml',
      'deploy/grafana/provisioning/datasources/jarvis.yml',
      'deploy/grafana/provisioning/dashboards/jarvis.yml',
      'deploy/grafana/dashboards/jarvis-overview.json',
    ]) {
      const committed = readFileSync(new URL(file, root), 'utf8');
      expect(
        committed === readFileSync(path.join(dir, file), 'utf8'),
        `${file} is stale: run \`npm run compose\``,
      ).toBe(true);
    }
  });

  // Each run loads the whole app (about 1 s alone, far more while the other test files load
  // both cores), so the six run side by side, with room for a busy machine.
  it('`jarvis serve`: a subgraph and the router from their own jarvis.yaml (server.subgraphs, server.port, log.level)', async () => {
    const dir = tmp('serve');
    const [platformPort, routerPort, closed] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(
      path.join(dir, 'platform.yaml'),
      `home: ${path.join(dir, 'home')}\nserver: { host: 127.0.0.1, port: ${platformPort} }\nlog: { level: info }\n`,
    );
    writeFileSync(
      path.join(dir, 'router.yaml'),
      [
        `home: ${path.join(dir, 'home')}`,
        'server:',
        '  host: 127.0.0.1',
        `  port: ${routerPort}`,
        '  subgraphs:',
        `    platform: http://127.0.0.1:${platformPort}/graphql`,
        `    storage: http://127.0.0.1:${closed}/graphql`,
        'log: { level: warn }',
        '',
      ].join('\n'),
    );
    const platform = runJarvis(['serve', 'platform', '-c', path.join(dir, 'platform.yaml')]);
    await platform.waitFor(/subgraph ready/, 120_000);
    const router = runJarvis(['serve', 'router', '-c', path.join(dir, 'router.yaml')]);
    const url = `http://127.0.0.1:${routerPort}`;
    await waitFor('the router on its configured port', async () =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      }).then(
        (r) => r.ok,
        () => false,
      ),
    );
    const set = await query(
      url,
      'mutation { setSetting(component: "serve", key: "k", value: 1) { version } }',
    );
    expect(set.errors).toBeUndefined();
    const gone = await query(url, '{ artifacts { totalCount } }');
    expect(gone.errors?.[0]).toMatchObject({
      extensions: { code: 'BACKEND_UNAVAILABLE', service: 'storage' },
    });
    // log.level: warn keeps the router's start-up (info) quiet; the platform at info says it is ready.
    expect(router.output()).not.toMatch(/"level":30/);
    expect(platform.output()).toMatch(/"level":30.*subgraph ready/);
    router.child.kill('SIGTERM');
    platform.child.kill('SIGTERM');
    expect(await router.exited).toBe(0);
    expect(await platform.exited).toBe(0);
  });

  it('has --help for every command', { timeout: 180_000 }, async () => {
    const commands = ['dev', 'serve', 'compose', 'doctor', 'backup', 'restore', 'drives'];
    const runs = commands.map((command) => runJarvis([command, '--help']));
    for (const [i, run] of runs.entries()) {
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain(`Usage: jarvis ${commands[i]}`);
    }
  });
});
