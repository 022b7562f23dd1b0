import { createHash } from 'node:crypto';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, testJarvis } from '@jarvis/testkit';
import {
  buildSchema,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Objects of one project, asked for by another project's admin through every root query that
// takes an id or a name: the answer must be exactly the answer for an id that never existed
// (no data, no hint), and no list shows them. Generated from the composed schema.

let jarvis: Awaited<ReturnType<typeof testJarvis>>;
let schema: GraphQLSchema;
let mine: string;
let theirs: string;
const secrets: string[] = [];

const as = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
  const result = await gql(jarvis.router.fetch, query, variables, { authorization: `Bearer ${key}` });
  return result;
};
const ok = async <T>(key: string, query: string, variables: Record<string, unknown> = {}) => {
  const result = await as(key, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
};

beforeAll(async () => {
  jarvis = await testJarvis({ auth: { mode: 'keys' } });
  schema = buildSchema(jarvis.router.supergraphSdl);
  const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
  await identity.createProjectAsOperator('elsewhere');
  mine = (await identity.issueKey({ projectId: 'default', name: 'owner-of-things', role: 'admin' })).secret;
  theirs = (await identity.issueKey({ projectId: 'elsewhere', name: 'curious-admin', role: 'admin' })).secret;
  // One of each kind of object, in the default project.
  const sha = createHash('sha256').update('hi').digest('hex');
  const artifact = await ok<{ storeSmallArtifact: { id: string } }>(
    mine,
    `mutation { storeSmallArtifact(input: { name: "private/model.bin", kind: MODEL, size: 2, sha256: "${sha}" }, contentBase64: "aGk=") { id } }`,
  );
  const experiment = await ok<{ createExperiment: { id: string } }>(
    mine,
    'mutation { createExperiment(name: "private-exp") { id } }',
  );
  const run = await ok<{ createRun: { id: string } }>(
    mine,
    'mutation($e: ID!) { createRun(input: { experimentId: $e, name: "private-run" }) { id } }',
    {
      e: experiment.createExperiment.id,
    },
  );
  await ok(mine, 'mutation { createRegisteredModel(name: "private-model") { name } }');
  await ok(mine, 'mutation($d: WorkflowDefinitionInput!) { registerWorkflow(definition: $d) { name } }', {
    d: { name: 'private-flow', steps: [{ id: 'a', activity: 'a' }] },
  });
  const workflowRun = await ok<{ startWorkflow: { id: string } }>(
    mine,
    'mutation { startWorkflow(workflow: "private-flow") { id } }',
  );
  const channel = await ok<{ createChannel: { id: string } }>(
    mine,
    'mutation { createChannel(input: { name: "private-hook", kind: WEBHOOK, url: "http://127.0.0.1:9/hook" }) { id } }',
  );
  const rule = await ok<{ createAlertRule: { id: string } }>(
    mine,
    'mutation { createAlertRule(input: { name: "private-rule", metric: "rink_ice_temperature_celsius", threshold: 0 }) { id } }',
  );
  await ok(mine, 'mutation { setSetting(component: "private", key: "threshold", value: 1) { key } }');
  await ok(mine, 'mutation { logGauge(name: "private_gpu_temp", value: 71) { name } }');
  secrets.push(
    artifact.storeSmallArtifact.id,
    experiment.createExperiment.id,
    run.createRun.id,
    workflowRun.startWorkflow.id,
    channel.createChannel.id,
    rule.createAlertRule.id,
    'private/model.bin',
    'private-exp',
    'private-model',
    'private-flow',
    'private-hook',
    'private-rule',
    'private',
    'private_gpu_temp',
  );
}, 120_000);
afterAll(() => jarvis?.[Symbol.asyncDispose]());

/** An id of the same shape that was never made: hex digits rotated (a UUID stays a UUID), names suffixed. */
const neverExisted = (id: string) =>
  /^[0-9a-f-]{32,36}$/.test(id)
    ? id.replace(/[0-9a-f]/g, (c) => '0123456789abcdef'[(Number.parseInt(c, 16) + 7) % 16]!)
    : /^\d+$/.test(id)
      ? String(Number(id) + 100_000)
      : `${id}-never-existed`;

describe('projects are apart', () => {
  it('answers another project’s ids exactly as ids that never existed, through every root query', async () => {
    const query = schema.getQueryType()!;
    let checks = 0;
    const leaks: string[] = [];
    for (const field of Object.values(query.getFields())) {
      const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      if (!required.length || required.some((a) => !['ID', 'String'].includes(getNamedType(a.type).name)))
        continue;
      const type = getNamedType(field.type);
      const selection = isScalarType(type) || isEnumType(type) ? '' : ' { __typename }';
      const declared = required.map((a, i) => `$v${i}: ${String(a.type)}`).join(', ');
      const args = required.map((a, i) => `${a.name}: $v${i}`).join(', ');
      const text = `query Probe(${declared}) { ${field.name}(${args})${selection} }`;
      for (const secret of secrets) {
        const variables = Object.fromEntries(required.map((_a, i) => [`v${i}`, secret]));
        const never = neverExisted(secret);
        const real = await as(theirs, text, variables);
        const fake = await as(theirs, text, Object.fromEntries(required.map((_a, i) => [`v${i}`, never])));
        checks++;
        const shape = (r: unknown, id: string) => JSON.stringify(r).split(id).join('<ID>');
        const { headers: _h1, ...realBody } = real;
        const { headers: _h2, ...fakeBody } = fake;
        if (shape(realBody, secret) !== shape(fakeBody, never))
          leaks.push(
            `${field.name}(${secret}): ${JSON.stringify(realBody).slice(0, 200)} vs ${JSON.stringify(fakeBody).slice(0, 200)}`,
          );
      }
    }
    console.log(`project isolation: ${checks} probes of another project's ids, ${leaks.length} leaks`);
    expect(checks).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });

  it('shows none of another project’s objects in any list', async () => {
    const query = schema.getQueryType()!;
    const seen: string[] = [];
    let lists = 0;
    for (const field of Object.values(query.getFields())) {
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const type = getNamedType(field.type);
      if (isScalarType(type) || isEnumType(type) || field.name === 'health' || field.name === 'config')
        continue;
      const fieldsOf = (t: unknown) =>
        'getFields' in (t as object)
          ? (t as { getFields(): Record<string, { type: unknown }> }).getFields()
          : {};
      const naming = (t: unknown) =>
        ['id', 'name', 'key'].filter((f) => f in fieldsOf(t)).join(' ') || '__typename';
      const own = fieldsOf(type);
      const selection = own.edges
        ? `{ totalCount edges { node { ${naming(getNamedType(fieldsOf(getNamedType(own.edges.type as never)).node!.type as never))} } } }`
        : `{ ${naming(type)} }`;
      const result = await as(theirs, `{ ${field.name} ${selection} }`);
      lists++;
      const text = JSON.stringify(result.data ?? {});
      // Numeric ids ("1") appear in any text; names and UUIDs do not.
      for (const secret of secrets.filter((x) => x.length > 3))
        if (text.includes(secret)) seen.push(`${field.name} shows ${secret}`);
    }
    expect(lists).toBeGreaterThan(10);
    expect(seen).toEqual([]);
    // And the owner sees them, so the probe would have found them.
    const own = await ok<{ artifacts: { totalCount: number }; metrics: { name: string }[] }>(
      mine,
      '{ artifacts { totalCount } metrics(prefix: "private") { name } }',
    );
    expect(own.artifacts.totalCount).toBe(1);
    expect(own.metrics.map((m) => m.name)).toContain('private_gpu_temp');
    // Metric names are Prometheus names, one namespace: another project is told to prefix its own.
    const taken = await as(theirs, 'mutation { logGauge(name: "private_gpu_temp", value: 1) { name } }');
    expect(taken.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(taken.errors?.[0]?.message).toContain('elsewhere_private_gpu_temp');
  });
});
