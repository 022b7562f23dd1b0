import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gql, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedSdk } from './installedSdk.ts';

const run = promisify(execFile);

/** The seed's Toolchain, Spotlight and Autopilot as Python programs, end to end, from the installed wheel. */
describe('the Python examples', () => {
  let sdk: Awaited<ReturnType<typeof installedSdk>>;
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;

  const example = async (name: string, args: string[] = []) => {
    const script = new URL(`../examples/${name}.py`, import.meta.url).pathname;
    const { stdout } = await run(sdk.python, [script, ...args], {
      cwd: sdk.dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', JARVIS_URL: jarvis.url },
      timeout: 180_000,
    });
    return stdout;
  };

  beforeAll(async () => {
    sdk = await installedSdk();
    jarvis = await servedJarvis({ services: { drives: { local_roots: [sdk.dir] } } });
  }, 300_000);
  afterAll(async () => {
    await jarvis?.[Symbol.asyncDispose]();
    sdk?.remove();
  });

  it('toolchain trains two trials through its pipeline and registers the better one as champion', async () => {
    const out = await example('toolchain');
    expect(out).toContain('test_mAP by trial: 0.699 vs 0.857');
    expect(out).toMatch(/champion: hockey-role-classifier v1 \(test mAP 0\.857, run [0-9a-f]{32}\)/);
    const registry = await gql<{ registeredModel: { aliases: { alias: string; version: number }[] } }>(
      jarvis.url,
      '{ registeredModel(name: "hockey-role-classifier") { aliases { alias version } } }',
    );
    expect(registry.data!.registeredModel.aliases).toEqual([{ alias: 'champion', version: 1 }]);
    const experiment = await gql<{ experimentByName: { id: string } }>(
      jarvis.url,
      '{ experimentByName(name: "hockey-role-classification") { id } }',
    );
    const runs = await gql<{
      searchRuns: { edges: { node: { status: string; metrics: { key: string }[] } }[] };
    }>(
      jarvis.url,
      'query($e: [ID!]!) { searchRuns(experimentIds: $e) { edges { node { status metrics { key } } } } }',
      { e: [experiment.data!.experimentByName.id] },
    );
    const trials = runs.data!.searchRuns.edges.map((e) => e.node);
    expect(trials).toHaveLength(2);
    for (const trial of trials) {
      expect(trial.status).toBe('FINISHED');
      expect(trial.metrics.map((m) => m.key).sort()).toEqual(['loss', 'test_mAP', 'val_mAP']);
    }
  }, 200_000);

  it('spotlight imports the clips from a drive, finds the shot through its pipeline and exports the report back', async () => {
    mkdirSync(path.join(sdk.dir, 'drive', 'matches'), { recursive: true });
    expect(await example('spotlight', ['--make-sample', 'drive/matches/faceoff.y4m'])).toContain(
      'wrote drive/matches/faceoff.y4m',
    );
    const connected = await gql(
      jarvis.url,
      'mutation($p: String!) { connectLocalDrive(name: "Coach", path: $p) { id } }',
      {
        p: path.join(sdk.dir, 'drive'),
      },
    );
    expect(connected.errors).toBeUndefined();
    const out = await example('spotlight', ['Coach', 'matches']);
    expect(out).toContain('matches/faceoff.y4m: shot at 1.16s (frames 29-35, 12.04 px/frame)');
    expect(out).toContain('reports exported to Coach: matches/spotlight/faceoff.analysis.json');
    const report = JSON.parse(
      readFileSync(path.join(sdk.dir, 'drive/matches/spotlight/faceoff.analysis.json'), 'utf8'),
    ) as {
      highlights: { startFrame: number; endFrame: number }[];
    };
    expect(report.highlights).toEqual([expect.objectContaining({ startFrame: 29, endFrame: 35 })]);
    const stored = await gql<{
      artifactByName: {
        kind: string;
        derivedFrom: { name: string; source: { path: string } }[];
        metadata: { shots: number };
      };
    }>(
      jarvis.url,
      '{ artifactByName(name: "spotlight/reports/faceoff.analysis.json") { kind derivedFrom { name source { path } } metadata } }',
    );
    expect(stored.data!.artifactByName).toEqual({
      kind: 'REPORT',
      derivedFrom: [{ name: 'spotlight/clips/matches/faceoff.y4m', source: { path: 'matches/faceoff.y4m' } }],
      metadata: { shots: 1 },
    });
    // A local folder cannot be shared: the example says why, in the SDK's typed error.
    await expect(example('spotlight', ['Coach', 'matches', '--share-link'])).rejects.toMatchObject({
      stderr: expect.stringContaining('BadUserInputError: a local folder cannot be shared by Jarvis'),
    });
  }, 200_000);

  it('autopilot cancels and adapts while the evaluation scores below 0.8, then settles', async () => {
    const out = await example('autopilot', ['0.9', '1']);
    expect(out).toMatch(
      /settled after 3 adaptation\(s\): threshold 0\.55, window 4, performance 0\.84 \(run [0-9a-f]{32}\)/,
    );
    const cancelled = await gql<{ workflowRuns: { edges: { node: { status: string } }[] } }>(
      jarvis.url,
      '{ workflowRuns(filter: { workflow: "autonomous-hockey-analysis" }) { edges { node { status } } } }',
    );
    const statuses = cancelled.data!.workflowRuns.edges.map((e) => e.node.status).sort();
    expect(statuses).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'COMPLETED']);
  }, 200_000);
});
