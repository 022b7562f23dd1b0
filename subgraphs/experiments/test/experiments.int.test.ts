import { gql, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadArtifact } from '../../storage/test/storageApi.ts';

describe('experiments through the router', () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  let fetch: (r: Request) => Promise<Response>;
  beforeAll(async () => {
    jarvis = await testJarvis();
    fetch = jarvis.router.fetch;
  });
  afterAll(() => jarvis[Symbol.asyncDispose]());

  it('a training run logs params, metrics with steps and tags, is found by search, and shows its artifacts', async () => {
    const exp = await gql<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "hockey-role-classification", tags: [{ key: "team", value: "vision" }]) { id } }',
    );
    const experimentId = exp.data!.createExperiment.id;
    const runs: string[] = [];
    for (const [i, lr] of ['0.01', '0.1'].entries()) {
      const created = await gql<{ createRun: { id: string; status: string } }>(
        fetch,
        'mutation($e: ID!, $n: String) { createRun(input: { experimentId: $e, name: $n, component: "toolchain" }) { id status } }',
        { e: experimentId, n: `resnet-${i}` },
      );
      const runId = created.data!.createRun.id;
      runs.push(runId);
      const logged = await gql(
        fetch,
        `mutation($r: ID!, $lr: String!, $acc: Float!) {
          logBatch(runId: $r, params: [{ key: "lr", value: $lr }], metrics: [
            { key: "loss", value: 0.9, step: 0 }, { key: "loss", value: 0.4, step: 1 }, { key: "acc", value: $acc, step: 1 }
          ]) { id } }`,
        { r: runId, lr, acc: 0.8 + i / 10 },
      );
      expect(logged.errors).toBeUndefined();
    }
    await uploadArtifact(fetch, Buffer.from('weights'), {
      name: 'hockey/resnet-1.pt',
      kind: 'MODEL',
      runId: runs[1],
    });
    await gql(fetch, `mutation { updateRun(id: "${runs[1]}", status: FINISHED) { id } }`);

    const found = await gql<{
      searchRuns: {
        edges: {
          node: {
            name: string;
            status: string;
            experiment: { name: string };
            params: { key: string; value: string }[];
            metrics: { key: string; value: number; step: number }[];
            metricHistory: { step: number; value: number }[];
            tags: { key: string; value: string }[];
            artifacts: { totalCount: number; edges: { node: { name: string } }[] };
          };
        }[];
      };
    }>(
      fetch,
      `query($e: ID!) { searchRuns(experimentIds: [$e], filter: "metrics.acc > 0.85 and params.lr = '0.1'", orderBy: ["metrics.acc DESC"]) {
        edges { node { name status experiment { name } params { key value } metrics { key value step }
          metricHistory(key: "loss") { step value } tags { key value }
          artifacts { totalCount edges { node { name } } } } }
        totalCount } }`,
      { e: experimentId },
    );
    expect(found.errors).toBeUndefined();
    const [run] = found.data!.searchRuns.edges.map((e) => e.node);
    expect(found.data!.searchRuns.edges).toHaveLength(1);
    expect((found.data!.searchRuns as unknown as { totalCount: number }).totalCount).toBe(1);
    expect(run).toMatchObject({
      name: 'resnet-1',
      status: 'FINISHED',
      experiment: { name: 'hockey-role-classification' },
    });
    expect(run!.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run!.metrics).toEqual([
      { key: 'acc', value: 0.9, step: 1 },
      { key: 'loss', value: 0.4, step: 1 },
    ]);
    expect(run!.metricHistory).toEqual([
      { step: 0, value: 0.9 },
      { step: 1, value: 0.4 },
    ]);
    expect(run!.tags).toEqual(
      expect.arrayContaining([
        { key: 'component', value: 'toolchain' },
        { key: 'mlflow.user', value: 'local' },
      ]),
    );
    // Run.artifacts comes from the storage subgraph, in the same query.
    expect(run!.artifacts).toEqual({ totalCount: 1, edges: [{ node: { name: 'hockey/resnet-1.pt' } }] });
  });

  it('picks the best run, compares runs, and downsamples long histories', async () => {
    const exp = await gql<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "compare") { id } }',
    );
    const experimentId = exp.data!.createExperiment.id;
    const ids: string[] = [];
    for (const [i, acc] of [0.71, 0.93, 0.88].entries()) {
      const run = await gql<{ createRun: { id: string } }>(
        fetch,
        `mutation { createRun(input: { experimentId: "${experimentId}", name: "r${i}" }) { id } }`,
      );
      ids.push(run.data!.createRun.id);
      await gql(
        fetch,
        `mutation($r: ID!, $acc: Float!, $depth: String!) {
        logBatch(runId: $r, metrics: [{ key: "acc", value: $acc }], params: [{ key: "lr", value: "0.01" }, { key: "depth", value: $depth }]) { id } }`,
        { r: ids[i], acc, depth: i === 2 ? '50' : '101' },
      );
    }
    const best = await gql<{ max: { name: string }; min: { name: string }; none: unknown }>(
      fetch,
      `{ max: bestRun(experimentId: "${experimentId}", metric: "acc") { name }
         min: bestRun(experimentId: "${experimentId}", metric: "acc", direction: MIN) { name }
         none: bestRun(experimentId: "${experimentId}", metric: "f1") { name } }`,
    );
    expect(best.data).toEqual({ max: { name: 'r1' }, min: { name: 'r0' }, none: null });

    const compared = await gql<{
      compareRuns: { runs: { name: string }[]; params: unknown[]; metrics: unknown[] };
    }>(
      fetch,
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { name } params { key values } metrics { key values } } }',
      { ids },
    );
    expect(compared.data!.compareRuns).toEqual({
      runs: [{ name: 'r0' }, { name: 'r1' }, { name: 'r2' }],
      params: [{ key: 'depth', values: ['101', '101', '50'] }],
      metrics: [{ key: 'acc', values: [0.71, 0.93, 0.88] }],
    });

    const metrics = Array.from({ length: 900 }, (_, step) => ({
      key: 'loss',
      value: step === 450 ? 99 : 1 / (step + 1),
      step,
    }));
    await gql(fetch, 'mutation($r: ID!, $m: [MetricInput!]) { logBatch(runId: $r, metrics: $m) { id } }', {
      r: ids[0],
      m: metrics,
    });
    const history = await gql<{ run: { all: unknown[]; chart: { step: number; value: number }[] } }>(
      fetch,
      `{ run(id: "${ids[0]}") { all: metricHistory(key: "loss") { step } chart: metricHistory(key: "loss", maxPoints: 60) { step value } } }`,
    );
    expect(history.data!.run.all).toHaveLength(900);
    const chart = history.data!.run.chart;
    expect(chart.length).toBeLessThanOrEqual(60);
    expect(chart.some((p) => p.value === 99)).toBe(true);
    expect(chart.at(-1)!.step).toBe(899);
  });

  it('a registry version made from a storage artifact resolves its artifact through the router', async () => {
    const exp = await gql<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "player-detection", tags: [{ key: "team", value: "vision" }]) { id } }',
    );
    const experimentId = exp.data!.createExperiment.id;
    const created = await gql<{ createRun: { id: string; system: Record<string, string | null> } }>(
      fetch,
      `mutation($e: ID!) { createRun(input: { experimentId: $e, component: "spotlight",
        system: { runtime: "python 3.11.9", platform: "linux-x86_64", gitCommit: "4f2a9c1" } }) {
        id system { runtime platform gitCommit host } } }`,
      { e: experimentId },
    );
    expect(created.data!.createRun.system).toEqual({
      runtime: 'python 3.11.9',
      platform: 'linux-x86_64',
      gitCommit: '4f2a9c1',
      host: null,
    });
    const runId = created.data!.createRun.id;
    const weights = await uploadArtifact(fetch, Buffer.from('yolo weights'), {
      name: 'spotlight/yolo.pt',
      kind: 'MODEL',
      runId,
    });
    const model = await gql(
      fetch,
      'mutation { createRegisteredModel(name: "player-detector", description: "YOLO", tags: [{ key: "task", value: "detection" }]) { name } }',
    );
    expect(model.errors).toBeUndefined();
    const version = await gql<{ createModelVersion: { version: number; source: string } }>(
      fetch,
      `mutation($a: ID!, $r: ID!) { createModelVersion(input: { name: "player-detector", artifactId: $a, runId: $r, idempotencyKey: "register-1" }) { version source } }`,
      { a: weights.id, r: runId },
    );
    expect(version.data!.createModelVersion).toEqual({
      version: 1,
      source: `jarvis://artifacts/${weights.id}`,
    });
    const alias = await gql(
      fetch,
      'mutation { setModelAlias(name: "player-detector", alias: "champion", version: 1) { aliases } }',
    );
    expect(alias.data).toEqual({ setModelAlias: { aliases: ['champion'] } });

    const read = await gql<{
      registeredModel: {
        description: string;
        tags: unknown[];
        aliases: unknown[];
        latestVersion: {
          version: number;
          artifact: { id: string; name: string; sha256: string };
          files: { name: string }[];
          run: { id: string; experiment: { name: string } };
        };
      };
      registeredModels: { totalCount: number };
      experiments: { edges: { node: { name: string } }[] };
    }>(
      fetch,
      `{ registeredModel(name: "player-detector") { description tags { key value } aliases { alias version }
          latestVersion { version artifact { id name sha256 } files { name } run { id experiment { name } } } }
         registeredModels(filter: "name LIKE 'player-%'") { totalCount }
         experiments(filter: "tags.team = 'vision'") { edges { node { name } } } }`,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.registeredModel).toEqual({
      description: 'YOLO',
      tags: [{ key: 'task', value: 'detection' }],
      aliases: [{ alias: 'champion', version: 1 }],
      latestVersion: {
        version: 1,
        artifact: { id: weights.id, name: 'spotlight/yolo.pt', sha256: weights.sha256 },
        files: [{ name: 'spotlight/yolo.pt' }],
        run: { id: runId, experiment: { name: 'player-detection' } },
      },
    });
    expect(read.data!.registeredModels.totalCount).toBe(1);
    // Newest first; the first test's experiment carries the same tag.
    expect(read.data!.experiments.edges.map((e) => e.node.name)).toEqual([
      'player-detection',
      'hockey-role-classification',
    ]);

    const missingRun = await gql(
      fetch,
      'mutation { createModelVersion(input: { name: "player-detector", source: "s3://x", runId: "0123456789abcdef0123456789abcdef" }) { version } }',
    );
    expect(missingRun.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const unknownModel = await gql(
      fetch,
      'mutation { createModelVersion(input: { name: "nope", source: "s3://x" }) { version } }',
    );
    expect(unknownModel.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const noSource = await gql(
      fetch,
      'mutation { createModelVersion(input: { name: "player-detector" }) { version } }',
    );
    expect(noSource.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const versions = await gql<{ modelVersions: { totalCount: number } }>(
      fetch,
      `{ modelVersions(filter: "name = 'player-detector'") { totalCount } }`,
    );
    expect(versions.data!.modelVersions.totalCount).toBe(1);
  });

  it('logMetrics takes columns: whole, once per key even sent twice at once, refused whole when malformed', async () => {
    const exp = await gql<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "columns") { id } }',
    );
    const run = await gql<{ createRun: { id: string } }>(
      fetch,
      'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }',
      { e: exp.data!.createExperiment.id },
    );
    const runId = run.data!.createRun.id;
    const LOG = `mutation($r: ID!, $s: [MetricSeriesInput!]!, $k: String) {
      logMetrics(runId: $r, series: $s, idempotencyKey: $k) { points run { metrics { key value step } } } }`;
    const steps = Array.from({ length: 4_000 }, (_, i) => i);
    const series = [
      {
        key: 'loss',
        values: steps.map((i) => 1 / (i + 1)),
        steps,
        timestamps: steps.map((i) => 1_700_000_000_000 + i),
      },
      { key: 'lr', values: [0.1, 0.01] },
    ];
    const both = await Promise.all(
      [0, 1].map(() =>
        gql<{
          logMetrics: { points: number; run: { metrics: { key: string; value: number; step: number }[] } };
        }>(fetch, LOG, { r: runId, s: series, k: 'columns-1' }),
      ),
    );
    expect(both.map((b) => b.errors)).toEqual([undefined, undefined]);
    expect(both.map((b) => b.data!.logMetrics.points).sort()).toEqual([0, 4_002]);
    expect(both[0]!.data!.logMetrics.run.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 1 / 4_000, step: 3_999 },
        // Same step, same time: MLflow's latest is the larger value.
        { key: 'lr', value: 0.1, step: 0 },
      ]),
    );
    const history = async (key: string) =>
      (
        await gql<{ run: { metricHistory: { step: number; timestamp: string }[] } }>(
          fetch,
          `query($r: ID!, $k: String!) { run(id: $r) { metricHistory(key: $k) { step timestamp } } }`,
          { r: runId, k: key },
        )
      ).data!.run.metricHistory;
    expect(await history('loss')).toHaveLength(4_000);
    expect((await history('loss'))[0]!.timestamp).toBe(new Date(1_700_000_000_000).toISOString());
    expect(await history('lr')).toHaveLength(2);

    for (const [bad, argument] of [
      [[{ key: 'acc', values: [0.5, 0.6], steps: [1] }], 'series[0].steps'],
      [[{ key: 'acc', values: [0.5], timestamps: [1, 2] }], 'series[0].timestamps'],
      [[{ key: 'acc', values: [0.5], nanAt: [1] }], 'series[0].nanAt'],
      [[{ key: 'acc', values: Array(10_001).fill(0.5) }], 'series'],
      [
        [
          { key: 'acc', values: [0.5] },
          { key: '../up', values: [1] },
        ],
        undefined,
      ],
    ] as const) {
      const refused = await gql(fetch, LOG, { r: runId, s: bad });
      expect(refused.errors?.[0]?.extensions, JSON.stringify(refused.errors)).toMatchObject({
        code: 'BAD_USER_INPUT',
        ...(argument ? { argument } : {}),
      });
    }
    expect(await history('acc')).toEqual([]);
    // A diverged loss: NaN by position (JSON has none), kept as MLflow keeps it.
    const diverged = await gql<{
      logMetrics: {
        points: number;
        run: { metrics: { key: string; value: number | null; isNan: boolean }[] };
      };
    }>(
      fetch,
      `mutation($r: ID!, $s: [MetricSeriesInput!]!) { logMetrics(runId: $r, series: $s) { points run { metrics { key value isNan } } } }`,
      { r: runId, s: [{ key: 'grad', values: [1.5, 0], steps: [1, 2], nanAt: [1] }] },
    );
    expect(diverged.errors).toBeUndefined();
    expect(diverged.data!.logMetrics.run.metrics).toContainEqual({ key: 'grad', value: null, isNan: true });
    const wrongShape = await gql(fetch, LOG, { r: runId, s: [{ key: 'acc', values: ['high'] }] });
    expect(wrongShape.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await gql(fetch, `mutation { updateRun(id: "${runId}", status: FINISHED) { id } }`);
    const ended = await gql(fetch, LOG, { r: runId, s: [{ key: 'acc', values: [1] }] });
    expect(ended.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('bad input: clear errors with codes, nothing partial', async () => {
    const exp = await gql<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "bad-input") { id } }',
    );
    const run = await gql<{ createRun: { id: string } }>(
      fetch,
      `mutation { createRun(input: { experimentId: "${exp.data!.createExperiment.id}" }) { id } }`,
    );
    const runId = run.data!.createRun.id;
    await gql(fetch, `mutation { logParam(runId: "${runId}", key: "lr", value: "0.01") { id } }`);
    const overwrite = await gql(
      fetch,
      `mutation { logBatch(runId: "${runId}", params: [{ key: "lr", value: "0.02" }], metrics: [{ key: "acc", value: 1 }]) { id } }`,
    );
    expect(overwrite.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const after = await gql<{ run: { metrics: unknown[]; params: unknown[] } }>(
      fetch,
      `{ run(id: "${runId}") { metrics { key } params { key value } } }`,
    );
    expect(after.data!.run).toEqual({ metrics: [], params: [{ key: 'lr', value: '0.01' }] });

    // A component retrying after a timeout does not log the point twice.
    for (let attempt = 0; attempt < 2; attempt++) {
      const retried = await gql(
        fetch,
        `mutation { logMetric(runId: "${runId}", key: "acc", value: 0.5, step: 3, idempotencyKey: "step-3") { id } }`,
      );
      expect(retried.errors).toBeUndefined();
    }
    const once = await gql<{ run: { metricHistory: unknown[] } }>(
      fetch,
      `{ run(id: "${runId}") { metricHistory(key: "acc") { step } } }`,
    );
    expect(once.data!.run.metricHistory).toEqual([{ step: 3 }]);

    const syntax = await gql(
      fetch,
      `{ searchRuns(experimentIds: ["1"], filter: "metrics.acc ~ 1") { edges { cursor } } }`,
    );
    expect(syntax.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', position: 12 });
    expect(syntax.errors![0]!.message).toContain('Invalid filter at position 13');
    const unknown = await gql(
      fetch,
      'mutation { logMetric(runId: "0123456789abcdef0123456789abcdef", key: "x", value: 1) { id } }',
    );
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const duplicate = await gql(fetch, 'mutation { createExperiment(name: "bad-input") { id } }');
    expect(duplicate.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
    await gql(fetch, `mutation { updateRun(id: "${runId}", status: FAILED) { id } }`);
    const closed = await gql(fetch, `mutation { setTag(runId: "${runId}", key: "a", value: "b") { id } }`);
    expect(closed.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
  });
});
