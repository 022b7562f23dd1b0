import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { gql, runJarvis, runNode, startTemporal, type TemporalServer } from '@jarvis/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { googleDriveProvider } from '../../../subgraphs/drives/src/index.ts';
import { startGoogleDriveFake } from '../../../subgraphs/drives/test/fakes/googleDriveFake.ts';
import { writeSampleVideo } from '../spotlight/y4mVideo.ts';

const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));
const homes: string[] = [];

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** `jarvis dev` as a user starts it (its own process, a fresh home), optionally with a config file. */
async function jarvisDev(config?: string) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-examples-'));
  homes.push(home);
  const args = ['dev', '--port', '0'];
  if (config) {
    writeFileSync(path.join(home, 'jarvis.yaml'), config);
    args.push('--config', path.join(home, 'jarvis.yaml'));
  }
  const jarvis = runJarvis(args, { JARVIS_HOME: home }, home);
  const [, url] = await jarvis.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/, 60_000);
  return { url: url!, home };
}

/** Runs an example program the way its README says, and returns its output once it exits 0. */
/** The API key the examples and the checks send, on a shared Jarvis (auth.mode keys). */
let apiKey: string | undefined;
afterEach(() => {
  apiKey = undefined;
});

async function runExample(url: string, script: string, args: string[] = [], cwd = EXAMPLES) {
  const program = runNode(
    path.join(EXAMPLES, script),
    args,
    { JARVIS_URL: url, ...(apiKey ? { JARVIS_API_KEY: apiKey } : {}) },
    cwd,
  );
  const code = await program.exited;
  expect(code, program.output()).toBe(0);
  return program.output();
}

/** The runs of an experiment, by name, with `selection` of each. */
async function runsOf<T>(url: string, experiment: string, selection: string, orderBy?: string): Promise<T[]> {
  const { experimentByName } = await query<{ experimentByName: { id: string } }>(
    url,
    'query($name: String!) { experimentByName(name: $name) { id } }',
    { name: experiment },
  );
  const { searchRuns } = await query<{ searchRuns: { edges: { node: T }[] } }>(
    url,
    `query($e: ID!, $order: [String!]) { searchRuns(experimentIds: [$e], orderBy: $order) { edges { node { ${selection} } } } }`,
    { e: experimentByName.id, order: orderBy ? [orderBy] : null },
  );
  return searchRuns.edges.map((e) => e.node);
}

async function query<T>(url: string, text: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await gql<T>(url, text, variables, apiKey ? { authorization: `Bearer ${apiKey}` } : {});
  expect(result.errors).toBeUndefined();
  return result.data!;
}

describe('the seed components on a shared Jarvis (auth.mode keys)', () => {
  it('Toolchain runs with an editor’s JARVIS_API_KEY, and every change it made is in the audit log under that key', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-examples-keys-'));
    homes.push(home);
    const config = path.join(home, 'jarvis.yaml');
    writeFileSync(config, 'auth:\n  mode: keys\n');
    const keyOf = async (name: string, role: string) => {
      const created = runJarvis(
        ['keys', 'create', '--name', name, '--role', role, '-c', config],
        { JARVIS_HOME: home },
        home,
      );
      expect(await created.exited, created.output()).toBe(0);
      return created.output().match(/jv_([a-z0-9]{12})_[A-Za-z0-9_-]{43}/)!;
    };
    const [toolchainKey, toolchainKeyId] = await keyOf('toolchain', 'editor');
    const [auditorKey] = await keyOf('auditor', 'admin');
    const jarvis = runJarvis(['dev', '--port', '0', '--config', config], { JARVIS_HOME: home }, home);
    const [, url] = await jarvis.waitFor(/GraphiQL\s+(http:\/\/\S+)\/graphql/, 60_000);
    // Without the key, the example cannot even start.
    const refused = runNode(path.join(EXAMPLES, 'toolchain/main.ts'), [], { JARVIS_URL: url! }, EXAMPLES);
    expect(await refused.exited).not.toBe(0);
    apiKey = toolchainKey;
    await checkToolchain(url!);
    apiKey = auditorKey;
    const { auditEvents } = await query<{
      auditEvents: {
        totalCount: number;
        edges: { node: { action: string; apiKeyId: string; outcome: string } }[];
      };
    }>(url!, '{ auditEvents(first: 500) { totalCount edges { node { action apiKeyId outcome } } } }');
    const events = auditEvents.edges.map((e) => e.node);
    const mine = events.filter((e) => e.apiKeyId === toolchainKeyId);
    expect(mine.length).toBeGreaterThan(10);
    expect(mine.every((e) => e.outcome === 'ok')).toBe(true);
    const actions = new Set(mine.map((e) => e.action));
    for (const action of ['registerWorkflow', 'startWorkflow', 'createRegisteredModel', 'setModelAlias'])
      expect(actions, [...actions].join(', ')).toContain(`mutation ${action}`);
    // As many entries as mutations the subgraphs ran for it (an operation may hold several).
    const metrics = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${auditorKey}` },
    }).then((r) => r.text());
    const mutations = [
      ...metrics.matchAll(/^jarvis_graphql_requests_total\{[^}]*type="mutation"[^}]*\} (\d+)/gm),
    ]
      .filter((m) => !m[0].includes('service="router"'))
      .reduce((n, m) => n + Number(m[1]), 0);
    expect(mutations).toBeGreaterThan(0);
    expect(events.filter((e) => e.action.startsWith('mutation ')).length).toBeGreaterThanOrEqual(mutations);
  });
});

describe('the seed components, run end to end against jarvis dev (local engine)', () => {
  it('Toolchain: two trials of the hockey-detection pipeline logging into hockey-role-classification; the best model becomes champion', async () => {
    const { url } = await jarvisDev();
    await checkToolchain(url);
  });

  it('Spotlight: clips come in from the coach`s Google Drive, a pipeline finds the shots, the reports go back to a folder shared by link', async () => {
    await using google = await startGoogleDriveFake();
    const redirect = 'http://127.0.0.1:1/drives/oauth/callback';
    google.oauth.registerClient('spotlight-google', 'g-secret', redirect);
    const { url, home } = await jarvisDev(`services:
  drives:
    oauth_redirect_url: ${redirect}
    google:
      client_id: spotlight-google
      client_secret: g-secret
      auth_url: ${google.origin}
      api_url: ${google.rootUrl}
`);
    // The coach connects their drive: the consent page (the fake agrees), then back to Jarvis.
    const { connectDrive } = await query<{ connectDrive: { consentUrl: string } }>(
      url,
      'mutation { connectDrive(provider: GOOGLE_DRIVE, name: "Coach Drive") { consentUrl } }',
    );
    const agreed = await fetch(connectDrive.consentUrl, { redirect: 'manual' });
    const back = new URL(agreed.headers.get('location')!);
    const page = await fetch(`${url}${back.pathname}${back.search}`);
    expect(await page.text()).toContain('is connected');
    const clip = path.join(home, 'faceoff.y4m');
    await writeSampleVideo(clip, { frames: 75 });
    const coach = googleDriveProvider({
      accessToken: async () => google.issueToken(),
      rootUrl: google.rootUrl,
    });
    const clipBytes = readFileSync(clip);
    await coach.write('matches/week-1/faceoff.y4m', Readable.from([clipBytes]), clipBytes.length);
    await coach.write('matches/week-1/lineup.txt', Readable.from([Buffer.from('not a clip')]), 10);

    const output = await runExample(url, 'spotlight/main.ts', [
      'Coach Drive',
      'matches/week-1',
      '--share-link',
    ]);
    expect(output).toMatch(/spotlight import\s+\[█+\] 100% {2}1\/1 files {2}1\.6 MiB\/1\.6 MiB/);
    expect(output).toMatch(/spotlight track\s+\[█+\] 100% {2}frame 75\/75/);
    expect(output).toContain('matches/week-1/faceoff.y4m: shot at 1.16s (frames 29-35');
    expect(output).toContain(
      'reports exported to Coach Drive: matches/week-1/spotlight/faceoff.analysis.json',
    );
    expect(output).toMatch(/shared: https:\/\/drive\.google\.com\/\S+/);

    // On the coach's drive: the report, in a folder anyone with the link may open.
    const exported = await text(await coach.read('matches/week-1/spotlight/faceoff.analysis.json'));
    const report = JSON.parse(exported) as { highlights: { startFrame: number; endFrame: number }[] };
    expect(report.highlights).toEqual([expect.objectContaining({ startFrame: 29, endFrame: 35 })]);
    expect(google.permissionsOf('spotlight')).toEqual([
      expect.objectContaining({ type: 'anyone', role: 'reader' }),
    ]);

    const { artifactByName } = await query<{
      artifactByName: {
        sha256: string;
        kind: string;
        component: string;
        workflowRunId: string;
        derivedFrom: { name: string; kind: string; source: { path: string; drive: { name: string } } }[];
      };
    }>(
      url,
      '{ artifactByName(name: "spotlight/reports/faceoff.analysis.json") { sha256 kind component workflowRunId derivedFrom { name kind source { path drive { name } } } } }',
    );
    expect(artifactByName).toMatchObject({
      sha256: createHash('sha256').update(exported).digest('hex'),
      kind: 'REPORT',
      component: 'spotlight',
      derivedFrom: [
        {
          name: 'spotlight/clips/matches/week-1/faceoff.y4m',
          kind: 'MEDIA',
          source: { path: 'matches/week-1/faceoff.y4m', drive: { name: 'Coach Drive' } },
        },
      ],
    });
    const { workflowRun } = await query<{ workflowRun: { workflowName: string; status: string } }>(
      url,
      'query($id: ID!) { workflowRun(id: $id) { workflowName status } }',
      { id: artifactByName.workflowRunId },
    );
    expect(workflowRun).toEqual({ workflowName: 'spotlight-video-analysis', status: 'COMPLETED' });
    const stored = await query<{ artifactByName: { sha256: string; size: number } }>(
      url,
      '{ artifactByName(name: "spotlight/clips/matches/week-1/faceoff.y4m") { sha256 size } }',
    );
    expect(stored.artifactByName).toEqual({
      sha256: createHash('sha256').update(clipBytes).digest('hex'),
      size: clipBytes.length,
    });
  });

  it('Autopilot: while evaluate reports performance below 0.8, the run is cancelled, parameters adapted and the analysis restarted', async () => {
    const { url } = await jarvisDev();
    await checkAutopilot(url);
  });
});

describe('on Temporal', () => {
  let temporal: TemporalServer | undefined;
  afterAll(async () => {
    await temporal?.stop();
  });

  it('Autopilot and Toolchain run the same way when jarvis dev runs workflows on a Temporal server', async () => {
    temporal = await startTemporal();
    const { url } = await jarvisDev(
      `services:\n  workflow:\n    type: temporal\n    endpoint: ${temporal.address}\n    namespace: ${temporal.namespace}\n`,
    );
    const { health } = await query<{ health: { name: string; status: string; message: string | null }[] }>(
      url,
      '{ health { name status message } }',
    );
    expect(health).toContainEqual(
      expect.objectContaining({ name: expect.stringMatching(/temporal/i), status: 'UP' }),
    );
    await checkAutopilot(url);
    await checkToolchain(url);
  });
});

async function checkAutopilot(url: string) {
  const output = await runExample(url, 'autopilot/main.ts', ['0.9', '1']);
  expect(output).toContain('settled after 3 adaptation(s): threshold 0.55, window 4, performance 0.84');
  expect(output.match(/performance 0\.\d+ < 0\.8, adapting/g)).toHaveLength(3);
  expect(output).toMatch(/autopilot act\s+\[█+\] 100% {2}done/);

  const [run] = await runsOf<{
    status: string;
    adaptations: { step: number; value: number }[];
    performance: { step: number; value: number }[];
    params: { key: string; value: string }[];
  }>(
    url,
    'autopilot-adaptations',
    `status adaptations: metricHistory(key: "autonomous_adaptation") { step value }
      performance: metricHistory(key: "performance") { step value } params { key value }`,
  );
  expect(run!.status).toBe('FINISHED');
  expect(run!.adaptations).toEqual([
    { step: 1, value: 1 },
    { step: 2, value: 2 },
    { step: 3, value: 3 },
  ]);
  expect(run!.performance.map((p) => p.value)).toEqual([0.335, 0.595, 0.745, 0.84]);
  expect(run!.params).toEqual(
    expect.arrayContaining([
      { key: 'final_threshold', value: '0.55' },
      { key: 'final_window', value: '4' },
    ]),
  );

  const { workflowRuns } = await query<{
    workflowRuns: { edges: { node: { status: string; input: { threshold: number } } }[] };
  }>(
    url,
    '{ workflowRuns(filter: { workflow: "autonomous-hockey-analysis" }) { edges { node { status input } } } }',
  );
  const attempts = workflowRuns.edges.map((e) => e.node).reverse();
  expect(attempts.map((a) => a.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'COMPLETED']);
  expect(attempts.map((a) => a.input.threshold)).toEqual([0.9, 0.7, 0.6, 0.55]);
}

async function checkToolchain(url: string) {
  const output = await runExample(url, 'toolchain/main.ts');
  // Progress bars for every step of both pipeline runs.
  for (const step of ['prepare', 'train', 'evaluate'])
    expect(output.match(new RegExp(`toolchain ${step}\\s+\\[█+\\] 100%  done`, 'g'))).toHaveLength(2);
  expect(output).toMatch(/epoch 12\/12 val_mAP 0\.\d+/);

  const runs = await runsOf<{
    id: string;
    name: string;
    status: string;
    metrics: { key: string; value: number }[];
    history: { step: number }[];
    tags: { key: string; value: string }[];
  }>(
    url,
    'hockey-role-classification',
    'id name status metrics { key value } history: metricHistory(key: "val_mAP") { step } tags { key value }',
    'metrics.test_mAP DESC',
  );
  expect(runs.map((r) => [r.name, r.status])).toEqual([
    ['lr-0.003', 'FINISHED'],
    ['lr-0.02', 'FINISHED'],
  ]);
  for (const run of runs) {
    // Logged from the train step, one point per epoch.
    expect(run.history.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(run.tags).toContainEqual({ key: 'component', value: 'toolchain' });
  }
  const testMap = (run: (typeof runs)[number]) => run.metrics.find((m) => m.key === 'test_mAP')!.value;
  expect(testMap(runs[0]!)).toBeGreaterThan(testMap(runs[1]!));

  const { registeredModel } = await query<{
    registeredModel: {
      versionByAlias: {
        version: number;
        runId: string;
        artifact: { kind: string; component: string; runId: string };
      };
    };
  }>(
    url,
    '{ registeredModel(name: "hockey-role-classifier") { versionByAlias(alias: "champion") { version runId artifact { kind component runId } } } }',
  );
  expect(registeredModel.versionByAlias).toEqual({
    version: 1,
    runId: runs[0]!.id,
    artifact: { kind: 'MODEL', component: 'toolchain', runId: runs[0]!.id },
  });
  expect(output).toContain(
    `champion: hockey-role-classifier v1 (test mAP ${testMap(runs[0]!).toFixed(3)}, run ${runs[0]!.id})`,
  );

  const { workflowRuns } = await query<{
    workflowRuns: { edges: { node: { status: string; run: { id: string } } }[] };
  }>(
    url,
    '{ workflowRuns(filter: { workflow: "hockey-detection" }) { edges { node { status run { id } } } } }',
  );
  expect(workflowRuns.edges.map((e) => e.node.status)).toEqual(['COMPLETED', 'COMPLETED']);
  expect(workflowRuns.edges.map((e) => e.node.run.id).sort()).toEqual(runs.map((r) => r.id).sort());
}
