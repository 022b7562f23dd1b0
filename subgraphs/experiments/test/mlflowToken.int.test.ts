import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { gql, mlflowPython, servedJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = new URL('./python/token_flow.py', import.meta.url).pathname;

// A shared Jarvis (auth.mode keys) and the official mlflow client of a training job.
describe('the mlflow Python client with an API key', () => {
  let jarvis: Awaited<ReturnType<typeof servedJarvis>>;
  let key: string;
  let keyId: string;
  const mlflow = async (mode: string, env: Record<string, string>) => {
    const { stdout } = await run(mlflowPython(), [script, mode], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MLFLOW_TRACKING_URI: jarvis.url,
        ...env,
      },
      timeout: 180_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  };

  beforeAll(async () => {
    jarvis = await servedJarvis({ auth: { mode: 'keys' } });
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    // A launcher may log to runs: what a training job needs, nothing more.
    const issued = await identity.issueKey({
      projectId: 'default',
      name: 'trainer',
      role: 'launcher',
      scopes: ['experiments:log', 'storage:log'],
    });
    key = issued.secret;
    keyId = issued.apiKey.id;
  }, 60_000);
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('logs a run with MLFLOW_TRACKING_TOKEN', { timeout: 200_000 }, async () => {
    const result = await mlflow('log', { MLFLOW_TRACKING_TOKEN: key });
    expect(result).toMatchObject({ loss: 0.25, artifacts: ['notes.txt'] });
    // The audit log names the key for each change the client made.
    const admin = (
      await (jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService).issueKey({
        projectId: 'default',
        name: 'auditor',
        role: 'admin',
      })
    ).secret;
    const audit = await gql(
      jarvis.url,
      '{ auditEvents(filter: { action: "/api/2.0/mlflow/runs/" }) { edges { node { action apiKeyId outcome } } } }',
      {},
      { authorization: `Bearer ${admin}` },
    );
    const events = (
      audit.data as {
        auditEvents: { edges: { node: { action: string; apiKeyId: string; outcome: string } }[] };
      }
    ).auditEvents.edges.map((e) => e.node);
    expect(events.map((e) => e.action)).toContain('POST /api/2.0/mlflow/runs/create');
    expect(events.some((e) => /\/runs\/log-/.test(e.action))).toBe(true);
    expect(events.every((e) => e.apiKeyId === keyId && e.outcome === 'ok')).toBe(true);
  });

  it('logs with MLFLOW_TRACKING_USERNAME / PASSWORD (the key as password)', {
    timeout: 200_000,
  }, async () => {
    const result = await mlflow('log', {
      MLFLOW_TRACKING_USERNAME: 'trainer',
      MLFLOW_TRACKING_PASSWORD: key,
    });
    expect(result.loss).toBe(0.25);
  });

  it('without credentials is refused with MLflow’s UNAUTHENTICATED', { timeout: 200_000 }, async () => {
    const result = await mlflow('refused', {});
    expect(result.error).toBe('UNAUTHENTICATED');
  });
});
