import { accessRulesOf, decide, requirementOf } from '@jarvis/auth';
import type { Principal, Role } from '@jarvis/context';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, testJarvis } from '@jarvis/testkit';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The authorisation matrix, generated from the composed schema so a new field is covered
// without editing this file: every root query and mutation, and every REST route, for each kind
// of caller, allowed or refused exactly as its @access (or the route's scope) says.

type Persona = { name: string; key?: string; principal?: Principal; refusedAlways?: boolean };

let jarvis: Awaited<ReturnType<typeof testJarvis>>;
let schema: GraphQLSchema;
const personas: Persona[] = [];

const sample = (type: GraphQLInputType, depth = 0): unknown => {
  if (isNonNullType(type)) return sample(type.ofType, depth);
  if (isListType(type)) return [sample(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields()))
      if (isNonNullType(field.type) && field.defaultValue === undefined && depth < 4)
        out[field.name] = sample(field.type, depth + 1);
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
      case 'Float':
      case 'SafeInt':
        return 1;
      case 'Boolean':
        return false;
      case 'JSON':
        return {};
      case 'DateTime':
        return '2030-01-01T00:00:00.000Z';
      default:
        return 'matrix-x';
    }
  }
  return null;
};

/**
 * How a subscription over SSE ends up for a caller: refused at the door (401), refused in its
 * first event (FORBIDDEN, UNAUTHENTICATED), or allowed (no event, or any other error such as an
 * id that does not exist), read for a moment.
 */
async function streamOutcome(
  query: string,
  variables: Record<string, unknown>,
  key?: string,
): Promise<string> {
  const controller = new AbortController();
  const response = await jarvis.router.fetch(
    new Request('http://jarvis.test/graphql/stream', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    }),
  );
  if (response.status === 401) return 'unauthenticated';
  if (response.status === 403) return 'forbidden';
  const reader = response.body!.getReader();
  let text = '';
  const timer = setTimeout(() => controller.abort(), 400);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      if (text.includes('"errors"') || text.includes('"data"')) break;
    }
  } catch {
    // Aborted: nothing came, which for a subscription is what allowed looks like.
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (text.includes('"UNAUTHENTICATED"')) return 'unauthenticated';
  if (text.includes('"FORBIDDEN"')) return 'forbidden';
  return 'allowed';
}

/** One operation using just this root field, with a value for each required argument. */
function operationFor(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const variables: Record<string, unknown> = {};
  const declared = required.map((a, i) => {
    variables[`v${i}`] = sample(a.type);
    return `$v${i}: ${String(a.type)}`;
  });
  const args = required.map((a, i) => `${a.name}: $v${i}`);
  const selection =
    isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${kind} Matrix${declared.length ? `(${declared.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`,
    variables,
  };
}

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => String(e.extensions?.code));

beforeAll(async () => {
  // Expired and revoked keys fail every time here: the address must not be made to wait.
  jarvis = await testJarvis({
    auth: { mode: 'keys', rate_limit: { failed_sign_ins_per_minute: 1_000_000 } },
  });
  schema = buildSchema(jarvis.router.supergraphSdl);
  const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  await identity.createProjectAsOperator('other');
  const issue = async (
    name: string,
    role: Role,
    extra: { projectId?: string; scopes?: string[]; expiresAt?: Date } = {},
  ) => (await identity.issueKey({ projectId: extra.projectId ?? 'default', name, role, ...extra })).secret;
  const principal = (roles: Role[], scopes?: string[]): Principal => ({
    kind: 'service',
    userId: 'x',
    projectId: 'default',
    roles,
    ...(scopes ? { scopes } : {}),
  });
  personas.push({
    name: 'anonymous',
    principal: { kind: 'anonymous', userId: 'anonymous', projectId: 'default', roles: [] },
  });
  for (const role of ['viewer', 'launcher', 'editor', 'admin'] as const)
    personas.push({ name: role, key: await issue(role, role), principal: principal([role]) });
  personas.push({
    name: 'admin of another project',
    key: await issue('other-admin', 'admin', { projectId: 'other' }),
    principal: principal(['admin']),
  });
  personas.push({
    name: 'narrowed (storage:read)',
    key: await issue('narrow', 'editor', { scopes: ['storage:read'] }),
    principal: principal(['editor'], ['storage:read']),
  });
  const expiring = await issue('expiring', 'admin', { expiresAt: new Date(Date.now() + 1_500) });
  const revoked = await issue('revoked', 'admin');
  await identity.revokeKey(revoked.split('_')[1]!);
  await new Promise((r) => setTimeout(r, 1_600));
  personas.push({ name: 'expired key', key: expiring, refusedAlways: true });
  personas.push({ name: 'revoked key', key: revoked, refusedAlways: true });
}, 120_000);
afterAll(() => jarvis?.[Symbol.asyncDispose]());

describe('authorisation matrix', () => {
  it('allows or refuses every root field for every caller as declared', { timeout: 600_000 }, async () => {
    const rules = accessRulesOf(parse(jarvis.router.supergraphSdl));
    const cells: string[] = [];
    const wrong: string[] = [];
    const internal: string[] = [];
    for (const kind of ['query', 'mutation'] as const) {
      const root = (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
      for (const field of Object.values(root.getFields())) {
        if (field.name.startsWith('_')) continue;
        const requirement = requirementOf(rules, root.name, field.name)!;
        const { query, variables } = operationFor(kind, field);
        for (const persona of personas) {
          const expected = persona.refusedAlways
            ? 'unauthenticated'
            : decide(persona.principal!, requirement);
          const result = await gql(
            jarvis.router.fetch,
            query,
            variables,
            persona.key ? { authorization: `Bearer ${persona.key}` } : {},
          );
          const got = codes(result.errors);
          cells.push(`${root.name}.${field.name} × ${persona.name}`);
          const refused = got.includes('UNAUTHENTICATED')
            ? 'unauthenticated'
            : got.includes('FORBIDDEN')
              ? 'forbidden'
              : got.includes('LIMIT_EXCEEDED') && result.status === 429
                ? 'rate-limited'
                : 'allowed';
          if (refused !== expected)
            wrong.push(
              `${root.name}.${field.name} × ${persona.name}: expected ${expected}, got ${refused} (${result.errors?.[0]?.message})`,
            );
          if (expected !== 'allowed' && result.data)
            wrong.push(`${root.name}.${field.name} × ${persona.name}: refused but answered data`);
          if (got.includes('INTERNAL_SERVER_ERROR'))
            internal.push(`${root.name}.${field.name}: ${result.errors?.[0]?.message}`);
        }
      }
    }
    console.log(
      `authorisation matrix: ${cells.length} cells (${personas.length} callers), ${wrong.length} wrong`,
    );
    expect(wrong).toEqual([]);
    expect(internal).toEqual([]);
  });

  it('allows or refuses every root subscription for every caller as declared (over SSE)', {
    timeout: 300_000,
  }, async () => {
    const rules = accessRulesOf(parse(jarvis.router.supergraphSdl));
    const root = schema.getSubscriptionType()!;
    let cells = 0;
    const wrong: string[] = [];
    for (const field of Object.values(root.getFields())) {
      const requirement = requirementOf(rules, root.name, field.name)!;
      const { query, variables } = operationFor('subscription', field);
      for (const persona of personas) {
        const expected = persona.refusedAlways ? 'unauthenticated' : decide(persona.principal!, requirement);
        const got = await streamOutcome(query, variables, persona.key);
        cells++;
        if (got !== expected)
          wrong.push(`${root.name}.${field.name} × ${persona.name}: expected ${expected}, got ${got}`);
      }
    }
    console.log(`subscription matrix: ${cells} cells, ${wrong.length} wrong`);
    expect(cells).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it('allows or refuses every REST route for every caller as its scope says', async () => {
    const routes = jarvis.subgraphs.flatMap((m) => m.routes);
    let cells = 0;
    const wrong: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/\*$/, 'matrix-x');
      for (const persona of personas) {
        // A `signed` route takes no one without the URL's signature (none here), whatever their
        // key; a bad key is refused before any route, as everywhere.
        const expected = persona.refusedAlways
          ? 'unauthenticated'
          : route.scope === 'signed'
            ? 'forbidden'
            : decide(persona.principal!, route.scope);
        const response = await jarvis.router.fetch(
          new Request(`http://jarvis.test${path}`, {
            method: route.method,
            headers: {
              'content-type': 'application/json',
              ...(persona.key ? { authorization: `Bearer ${persona.key}` } : {}),
            },
            // A worker's poll would wait for a task; a millisecond is enough here.
            ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { body: '{"timeoutMs":1}' }),
          }),
        );
        await response.body?.cancel();
        cells++;
        const got =
          response.status === 401 ? 'unauthenticated' : response.status === 403 ? 'forbidden' : 'allowed';
        if (got !== expected)
          wrong.push(
            `${route.method} ${route.path} × ${persona.name}: expected ${expected}, got HTTP ${response.status}`,
          );
      }
    }
    console.log(`REST matrix: ${cells} cells, ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
  });
});
