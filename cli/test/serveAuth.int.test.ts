import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPrincipal } from '@jarvis/auth';
import { collectSubscription, freePort, gql, runJarvis, startPostgres, waitFor } from '@jarvis/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const SECRET = 'an-internal-secret-of-32-characters-or-more';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// `jarvis serve` as separate processes on one PostgreSQL, with API keys: the router asks the
// identity service who a key names, and vouches for the caller to each subgraph, which takes
// no call without the router's signed credentials.
describe('jarvis serve with auth.mode keys', () => {
  it('authenticates at the router, and subgraphs refuse calls that do not come from it', {
    timeout: 240_000,
  }, async () => {
    await using postgres = await startPostgres();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-serve-auth-'));
    dirs.push(dir);
    const [identityPort, platformPort, routerPort, closed] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const config = (port: number) =>
      [
        `home: ${path.join(dir, 'home')}`,
        `database: { url: "${postgres.url}" }`,
        `auth: { mode: keys, internal_secret: ${SECRET} }`,
        'server:',
        '  host: 127.0.0.1',
        `  port: ${port}`,
        '  subgraphs:',
        `    identity: http://127.0.0.1:${identityPort}/graphql`,
        `    platform: http://127.0.0.1:${platformPort}/graphql`,
        ...['storage', 'experiments', 'workflows', 'analytics', 'notifications'].map(
          (s) => `    ${s}: http://127.0.0.1:${closed}/graphql`,
        ),
        'log: { level: warn }',
        '',
      ].join('\n');
    for (const [name, port] of [
      ['identity', identityPort],
      ['platform', platformPort],
      ['router', routerPort],
    ] as const)
      writeFileSync(path.join(dir, `${name}.yaml`), config(port));

    // The operator's first key, printed once on stdout.
    const created = runJarvis([
      'keys',
      'create',
      '--name',
      'ops',
      '--role',
      'admin',
      '-c',
      path.join(dir, 'identity.yaml'),
    ]);
    expect(await created.exited, created.output()).toBe(0);
    const key = created.output().match(/jv_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/)?.[0];
    expect(key, created.output()).toBeTruthy();

    const identity = runJarvis(['serve', 'identity', '-c', path.join(dir, 'identity.yaml')]);
    const platform = runJarvis(['serve', 'platform', '-c', path.join(dir, 'platform.yaml')]);
    const router = runJarvis(['serve', 'router', '-c', path.join(dir, 'router.yaml')]);
    const url = `http://127.0.0.1:${routerPort}`;
    await waitFor('the router and both subgraphs', async () =>
      fetch(`${url}/ready`).then(
        async (r) => {
          const body = (await r.json()) as { checks: { name: string; status: string }[] };
          return ['identity', 'platform'].every((n) =>
            body.checks.some((c) => c.name === n && c.status === 'UP'),
          );
        },
        () => false,
      ),
    );
    const auth = { authorization: `Bearer ${key}` };

    // Through the router: who is calling comes from the identity process.
    const me = await gql(url, '{ me { kind project { id } roles apiKeyId } }', {}, auth);
    expect(me.errors).toBeUndefined();
    expect(me.data).toMatchObject({
      me: { kind: 'SERVICE_ACCOUNT', project: { id: 'default' }, roles: ['ADMIN'] },
    });
    expect((await gql(url, '{ settings(component: "serve") { totalCount } }')).status).toBe(401);

    // The router process serves the web console too, asking for a key (auth.mode: keys).
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('"signIn":{"mode":"keys"}');
    expect((await fetch(`${url}/console/app/main.ts`)).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );

    // A subscription through the router reaches the platform process with the router's word.
    await using events = collectSubscription(
      url,
      'subscription { settingsChanged(component: "serve") { key value } }',
      {},
      auth,
    );
    await waitFor('the subscription to be open', async () => {
      await gql(url, 'mutation { setSetting(component: "serve", key: "k", value: 1) { version } }', {}, auth);
      return events.events.length > 0;
    });
    expect(events.events[0]?.data).toMatchObject({ settingsChanged: { key: 'k' } });

    // Straight to the subgraph: no router credentials, forged ones, or a caller's key are all refused.
    const direct = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${platformPort}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ settings(component: "serve") { totalCount } }' }),
      });
    const forged = await signPrincipal(
      { kind: 'user', userId: 'mallory', projectId: 'default', roles: ['owner'] },
      'x'.repeat(40),
    );
    expect((await direct({})).status).toBe(401);
    expect((await direct({ 'x-jarvis-principal': forged })).status).toBe(401);
    expect((await direct(auth)).status).toBe(401);

    // The change is in the audit log, written by the platform process, read through identity.
    const audit = await gql(
      url,
      '{ auditEvents(filter: { action: "setSetting" }) { edges { node { service outcome apiKeyId } } } }',
      {},
      auth,
    );
    const nodes = (audit.data as { auditEvents: { edges: { node: { service: string } }[] } }).auditEvents
      .edges;
    expect(nodes[0]?.node).toMatchObject({ service: 'platform', outcome: 'ok' });

    for (const p of [router, platform, identity]) p.child.kill('SIGTERM');
    for (const p of [router, platform, identity]) expect(await p.exited, p.output().slice(-2_000)).toBe(0);
  });
});
