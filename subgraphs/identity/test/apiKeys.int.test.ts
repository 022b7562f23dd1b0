import { createHash } from 'node:crypto';
import { gql, testJarvis, waitFor } from '@jarvis/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityService } from '../src/service.ts';

// Jarvis with auth.mode keys, as a team shares it: every door asks who is calling.
let jarvis: Awaited<ReturnType<typeof testJarvis>>;
let identity: IdentityService;
let adminKey: string;
const call = (
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
  headers: Record<string, string> = {},
) =>
  gql(jarvis.router.fetch, query, variables, {
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...headers,
  });

const STORE = `mutation Store($name: String!) {
  storeSmallArtifact(input: { name: $name, kind: OTHER, size: 2, sha256: "${createHash('sha256').update('hi').digest('hex')}" }, contentBase64: "aGk=") { id name }
}`;

beforeAll(async () => {
  jarvis = await testJarvis({ auth: { mode: 'keys' } });
  identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  ({ secret: adminKey } = await identity.issueKey({
    projectId: 'default',
    name: 'bootstrap',
    role: 'admin',
    user: { id: 'alice', owner: true },
  }));
});
afterAll(() => jarvis?.[Symbol.asyncDispose]());

describe('API keys', () => {
  it('refuses a caller without credentials (401, UNAUTHENTICATED) but answers public health', async () => {
    const refused = await call('{ artifacts { totalCount } }');
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();
    const health = await call('{ health { status } }');
    expect(health.errors).toBeUndefined();
  });

  it('refuses keys that are garbage, guessed or tampered, as UNAUTHENTICATED', async () => {
    const tampered = `${adminKey.slice(0, -2)}${adminKey.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const key of [
      'jv_nope',
      'jv_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      tampered,
      'x'.repeat(5000),
    ]) {
      const result = await call('{ me { roles } }', {}, key);
      expect(result.status, key.slice(0, 20)).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('says who is calling with `me`', async () => {
    const { data, errors } = await call(
      '{ me { kind user { id } project { id } roles apiKeyId } }',
      {},
      adminKey,
    );
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({ me: { kind: 'USER', user: { id: 'alice' }, project: { id: 'default' } } });
    expect((data as { me: { roles: string[] } }).me.roles).toEqual(
      expect.arrayContaining(['ADMIN', 'OWNER']),
    );
  });

  it('lets a viewer read and refuses its writes with FORBIDDEN before anything runs', async () => {
    const created = await call(
      'mutation { createApiKey(input: { name: "dashboards", role: VIEWER }) { secret apiKey { id prefix role } } }',
      {},
      adminKey,
    );
    expect(created.errors).toBeUndefined();
    const { secret, apiKey } = (
      created.data as { createApiKey: { secret: string; apiKey: { id: string; prefix: string } } }
    ).createApiKey;
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect((await call('{ artifacts { totalCount } }', {}, secret)).errors).toBeUndefined();
    // Its use is recorded (once a minute at most, so a request costs no write).
    await waitFor('lastUsedAt of the viewer key', async () => {
      const keys = await call('{ apiKeys { edges { node { id lastUsedAt } } } }', {}, adminKey);
      const edges = (
        keys.data as { apiKeys: { edges: { node: { id: string; lastUsedAt: string | null } }[] } }
      ).apiKeys.edges;
      return edges.find((e) => e.node.id === apiKey.id)?.node.lastUsedAt;
    });
    const write = await call(STORE, { name: 'viewer-try' }, secret);
    expect(write.status).toBe(403);
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing was stored.
    const list = await call(
      '{ artifacts(filter: { namePrefix: "viewer-try" }) { totalCount } }',
      {},
      adminKey,
    );
    expect(list.data).toEqual({ artifacts: { totalCount: 0 } });
  });

  it('narrows a key to scopes within its role', async () => {
    const created = await call(
      'mutation { createApiKey(input: { name: "uploader", role: EDITOR, scopes: ["storage:write"] }) { secret } }',
      {},
      adminKey,
    );
    const { secret } = (created.data as { createApiKey: { secret: string } }).createApiKey;
    expect((await call(STORE, { name: 'scoped' }, secret)).errors).toBeUndefined();
    const other = await call('{ experiments { totalCount } }', {}, secret);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses bad key requests with BAD_USER_INPUT or FORBIDDEN, creating nothing', async () => {
    const badScope = await call(
      'mutation { createApiKey(input: { name: "x", role: VIEWER, scopes: ["everything"] }) { secret } }',
      {},
      adminKey,
    );
    expect(badScope.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const nul = await call(
      'mutation($n: String!) { createApiKey(input: { name: $n, role: VIEWER }) { secret } }',
      { n: 'a\u0000b' },
      adminKey,
    );
    expect(nul.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const owner = await call(
      'mutation { createApiKey(input: { name: "x", role: OWNER }) { secret } }',
      {},
      adminKey,
    );
    expect(owner.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const keys = await call('{ apiKeys(includeRevoked: true) { edges { node { name } } } }', {}, adminKey);
    expect(JSON.stringify(keys.data)).not.toContain('"x"');
  });

  it('revokes a key for its next request, twice at once giving the same answer, and records its use after', async () => {
    const created = await call(
      'mutation { createApiKey(input: { name: "ci", role: EDITOR }) { secret apiKey { id } } }',
      {},
      adminKey,
    );
    const { secret, apiKey } = (created.data as { createApiKey: { secret: string; apiKey: { id: string } } })
      .createApiKey;
    expect((await call('{ me { apiKeyId } }', {}, secret)).data).toEqual({ me: { apiKeyId: apiKey.id } });
    const revoke = 'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';
    const [a, b] = await Promise.all([
      call(revoke, { id: apiKey.id }, adminKey),
      call(revoke, { id: apiKey.id }, adminKey),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    const after = await call('{ me { apiKeyId } }', {}, secret);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.message).toContain('revoked');
    const audit = await call(
      'query($a: String) { auditEvents(filter: { action: $a }) { edges { node { action targets outcome apiKeyId } } } }',
      { a: 'after revocation' },
      adminKey,
    );
    expect(JSON.stringify(audit.data)).toContain(apiKey.id);
  });

  it('keeps projects apart: another project’s artifact is not found, by id or in a list', async () => {
    const stored = await call(STORE, { name: 'secret-model' }, adminKey);
    const id = (stored.data as { storeSmallArtifact: { id: string } }).storeSmallArtifact.id;
    const project = await call(
      'mutation { createProject(input: { id: "blue", name: "Blue team" }) { id } }',
      {},
      adminKey,
    );
    expect(project.errors).toBeUndefined();
    const blue = await call(
      'mutation { createApiKey(input: { name: "blue-admin", role: ADMIN }) { secret } }',
      {},
      adminKey,
      {
        'x-jarvis-project': 'blue',
      },
    );
    // The owner acts in blue through the header; the key it made acts in blue by itself.
    expect(blue.errors).toBeUndefined();
    const blueKey = (blue.data as { createApiKey: { secret: string } }).createApiKey.secret;
    const byId = await call('query($id: ID!) { artifact(id: $id) { id name } }', { id }, blueKey);
    expect(byId.data).toEqual({ artifact: null });
    const list = await call('{ artifacts { totalCount edges { node { id } } } }', {}, blueKey);
    expect(list.data).toEqual({ artifacts: { totalCount: 0, edges: [] } });
    const dup = await Promise.all([
      call('mutation { createProject(input: { id: "green" }) { id } }', {}, adminKey),
      call('mutation { createProject(input: { id: "green" }) { id } }', {}, adminKey),
    ]);
    expect(dup.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok').sort()).toEqual(['CONFLICT', 'ok']);
  });

  it('records every mutation with its actor, key, targets and outcome', async () => {
    await call(STORE, { name: 'audited' }, adminKey);
    const { data } = await call(
      '{ auditEvents(filter: { action: "storeSmallArtifact" }, first: 5) { totalCount edges { node { actorId apiKeyId service action targets outcome requestId } } } }',
      {},
      adminKey,
    );
    const events = (
      data as { auditEvents: { edges: { node: Record<string, unknown> }[] } }
    ).auditEvents.edges.map((e) => e.node);
    expect(events[0]).toMatchObject({
      actorId: 'alice',
      service: 'storage',
      action: 'mutation storeSmallArtifact',
      outcome: 'ok',
    });
    expect(events[0]!.targets).toEqual(expect.arrayContaining(['name=audited']));
    expect(events[0]!.apiKeyId).toBeTruthy();
  });

  it('writes a change and its audit entry in one transaction: no entry, no change', async () => {
    const set = 'mutation($v: JSON!) { setSetting(component: "atomic", key: "k", value: $v) { version } }';
    expect((await call(set, { v: 1 }, adminKey)).errors).toBeUndefined();
    const db = jarvis.runtime.db.kysely;
    await sql`alter table audit.events rename to events_away`.execute(db);
    try {
      const refused = await call(set, { v: 2 }, adminKey);
      expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await sql`alter table audit.events_away rename to events`.execute(db);
    }
    // The second change rolled back with its entry.
    const after = await call('{ setting(component: "atomic", key: "k") { value version } }', {}, adminKey);
    expect(after.data).toEqual({ setting: { value: 1, version: 1 } });
    const audit = await call(
      '{ auditEvents(filter: { action: "setSetting" }) { totalCount } }',
      {},
      adminKey,
    );
    expect(audit.data).toEqual({ auditEvents: { totalCount: 1 } });
  });

  it('exports the audit log as JSON lines, oldest first, to project admins only', async () => {
    const exported = async (key: string | undefined, query = '') =>
      jarvis.router.fetch(
        new Request(`http://jarvis.test/audit/events.jsonl${query}`, {
          headers: key ? { authorization: `Bearer ${key}` } : {},
        }),
      );
    const response = await exported(adminKey, '?action=storeSmallArtifact');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; seq: number });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.action === 'mutation storeSmallArtifact')).toBe(true);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
    expect((await exported(undefined)).status).toBe(401);
    const viewer = await identity.issueKey({ projectId: 'default', name: 'peeker', role: 'viewer' });
    expect((await exported(viewer.secret)).status).toBe(403);
    expect((await exported(adminKey, '?since=yesterday')).status).toBe(400);
  });

  it('resolves createdBy in other subgraphs to the user or service account that made it', async () => {
    const bot = await identity.issueKey({ projectId: 'default', name: 'ci-bot', role: 'editor' });
    await call(STORE, { name: 'by-bot' }, bot.secret);
    const mine = await call('{ artifactByName(name: "audited") { createdBy { id name } } }', {}, adminKey);
    expect(mine.data).toEqual({ artifactByName: { createdBy: { id: 'alice', name: null } } });
    const bots = await call('{ artifactByName(name: "by-bot") { createdBy { name } } }', {}, adminKey);
    expect(bots.data).toEqual({ artifactByName: { createdBy: { name: 'ci-bot (service account)' } } });
  });

  it('answers the MLflow REST API with MLflow’s shape, and takes a key as Basic password', async () => {
    const search = (headers: Record<string, string>) =>
      jarvis.router.fetch(
        new Request('http://jarvis.test/api/2.0/mlflow/experiments/search', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ max_results: 10 }),
        }),
      );
    const anonymous = await search({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    const basic = await search({
      authorization: `Basic ${Buffer.from(`alice:${adminKey}`).toString('base64')}`,
    });
    expect(basic.status).toBe(200);
  });
});
