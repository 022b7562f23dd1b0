import { gql, type OidcProvider, startOidcProvider, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// People sign in with a real OpenID provider (oidc-provider, on loopback): Jarvis checks its
// JWT access tokens against the provider's discovery document and JWKS.
let provider: OidcProvider;
let jarvis: Awaited<ReturnType<typeof testJarvis>>;
const call = (query: string, token?: string, headers: Record<string, string> = {}) =>
  gql(jarvis.router.fetch, query, {}, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });

beforeAll(async () => {
  provider = await startOidcProvider({
    alice: { email: 'alice@example.com', name: 'Alice', groups: ['ml-team'] },
    bob: { email: 'bob@example.com', name: 'Bob', groups: [] },
    olga: { email: 'olga@example.com', name: 'Olga', groups: ['platform'] },
  });
  jarvis = await testJarvis({
    auth: {
      mode: 'oidc',
      oidc: {
        issuer: provider.issuer,
        audience: provider.audience,
        roles: [
          { group: 'ml-team', project: 'default', role: 'editor' },
          { group: 'platform', role: 'owner' },
        ],
      },
      rate_limit: { failed_sign_ins_per_minute: 1_000 },
    },
  });
}, 60_000);
afterAll(async () => {
  await jarvis?.[Symbol.asyncDispose]();
  await provider?.stop();
});

describe('OpenID Connect sign-in', () => {
  it('creates a user on first sign-in, with the role their groups map to', async () => {
    const token = await provider.signIn('alice');
    const { data, errors } = await call('{ me { kind user { id email name } project { id } roles } }', token);
    expect(errors).toBeUndefined();
    expect(data).toMatchObject({
      me: {
        kind: 'USER',
        user: { email: 'alice@example.com', name: 'Alice' },
        project: { id: 'default' },
        roles: ['EDITOR'],
      },
    });
    // The same person again is the same user.
    const again = await call('{ me { user { id } } }', await provider.signIn('alice'));
    expect(again.data).toEqual({
      me: { user: { id: (data as { me: { user: { id: string } } }).me.user.id } },
    });
    expect((await call('{ artifacts { totalCount } }', token)).errors).toBeUndefined();
  });

  it('lets a person without a role sign in but use nothing of the project', async () => {
    const token = await provider.signIn('bob');
    expect((await call('{ me { roles } }', token)).data).toEqual({ me: { roles: [] } });
    const refused = await call('{ artifacts { totalCount } }', token);
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('makes the platform group an owner, who creates projects', async () => {
    const token = await provider.signIn('olga');
    const created = await call('mutation { createProject(input: { id: "oidc-team" }) { id } }', token);
    expect(created.errors).toBeUndefined();
    const inIt = await call('{ me { project { id } roles } }', token, { 'x-jarvis-project': 'oidc-team' });
    expect(inIt.data).toEqual({ me: { project: { id: 'oidc-team' }, roles: ['ADMIN', 'OWNER'] } });
  });

  it('refuses expired, wrong-audience, wrong-issuer, alg none, tampered and unknown-key tokens', async () => {
    const real = await provider.signIn('alice');
    const [header, payload, signature] = real.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, groups: ['platform'] })).toString('base64url')}.${signature}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const tokens: Record<string, string> = {
      expired: await provider.forge({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 3_600 }),
      'wrong audience': await provider.forge({ sub: 'alice', aud: 'another-api' }),
      'wrong issuer': await provider.forge({ sub: 'alice', iss: 'https://evil.example' }),
      'alg none': none,
      tampered,
      'unknown key': await provider.forge({ sub: 'alice' }, { kid: 'not-published' }),
      garbage: 'not.a.jwt',
    };
    for (const [what, token] of Object.entries(tokens)) {
      const result = await call('{ me { roles } }', token);
      expect(result.status, what).toBe(401);
      expect(result.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
    }
    // A token of the provider that is merely newly made is fine.
    expect((await call('{ me { roles } }', await provider.forge({ sub: 'alice' }))).errors).toBeUndefined();
    // Each refusal is in the audit log, for the project's admins (here the platform owner).
    const audit = await call(
      '{ auditEvents(filter: { action: "sign-in" }) { totalCount edges { node { actorKind outcome } } } }',
      await provider.signIn('olga'),
      { 'x-jarvis-project': 'default' },
    );
    const log = audit.data as { auditEvents: { totalCount: number; edges: { node: { outcome: string } }[] } };
    expect(log.auditEvents.totalCount).toBeGreaterThanOrEqual(Object.keys(tokens).length);
    expect(log.auditEvents.edges[0]!.node.outcome).toMatch(/^UNAUTHENTICATED/);
  });
});

describe('failed sign-ins', () => {
  it('from one address, past the limit, make it wait (429, Retry-After)', async () => {
    await using strict = await testJarvis({
      auth: {
        mode: 'oidc',
        oidc: {
          issuer: provider.issuer,
          audience: provider.audience,
          roles: [{ group: 'platform', role: 'owner' }],
        },
        rate_limit: { failed_sign_ins_per_minute: 3 },
      },
    });
    const bad = await provider.forge({ sub: 'alice', aud: 'another-api' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await gql(
        strict.router.fetch,
        '{ me { roles } }',
        {},
        { authorization: `Bearer ${bad}` },
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      }
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const olga = await provider.signIn('olga');
    // Olga comes from the same (in-process) address: she waits too, which is the point.
    expect(
      (await gql(strict.router.fetch, '{ me { roles } }', {}, { authorization: `Bearer ${olga}` })).status,
    ).toBe(429);
  });
});

describe('OpenID Connect options', () => {
  it('follows auth.oidc algorithms, clock_skew_seconds and roles_claim', async () => {
    const options = (oidc: Record<string, unknown>) => ({
      auth: {
        mode: 'oidc' as const,
        oidc: { issuer: provider.issuer, audience: provider.audience, ...oidc },
        rate_limit: { failed_sign_ins_per_minute: 1_000 },
      },
    });
    const lateBy60s = await provider.forge({ sub: 'dora', exp: Math.floor(Date.now() / 1000) - 60 });
    const teams = await provider.forge({ sub: 'dora', teams: ['ml-team'] });
    {
      await using lenient = await testJarvis(
        options({
          // An API may accept several audiences; this token names the second.
          audience: ['another-api', provider.audience],
          clock_skew_seconds: 120,
          roles_claim: 'teams',
          roles: [{ group: 'ml-team', project: 'default', role: 'viewer' }],
        }),
      );
      // Two minutes of skew take a token a minute past its expiry; the default 30 s would not.
      expect(
        (await gql(lenient.router.fetch, '{ me { roles } }', {}, { authorization: `Bearer ${lateBy60s}` }))
          .status,
      ).toBe(200);
      // The groups come from the configured claim.
      const me = await gql(
        lenient.router.fetch,
        '{ me { roles } }',
        {},
        { authorization: `Bearer ${teams}` },
      );
      expect(me.data).toEqual({ me: { roles: ['VIEWER'] } });
    }
    {
      await using strict = await testJarvis(options({ algorithms: ['ES256'] }));
      // The provider signs with RS256, which this deployment does not accept.
      const refused = await gql(
        strict.router.fetch,
        '{ me { roles } }',
        {},
        { authorization: `Bearer ${teams}` },
      );
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.message).toContain('ES256');
      expect(
        (await gql(strict.router.fetch, '{ me { roles } }', {}, { authorization: `Bearer ${lateBy60s}` }))
          .status,
      ).toBe(401);
    }
  });
});
