import {
  BestRunDocument,
  type BestRunQuery,
  CompareRunsDocument,
  type CompareRunsQuery,
  CreateExperimentDocument,
  CreateModelVersionDocument,
  type CreateModelVersionMutation,
  CreateRegisteredModelDocument,
  CreateRunDocument,
  ExperimentByNameDocument,
  type OptimizationDirection,
  RegisteredModelDocument,
  SetModelAliasDocument,
} from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import { ConflictError, NotFoundError } from '../jarvisErrors.ts';
import { type ParamValue, RunHandle, type RunHandleOptions } from './runHandle.ts';
import { systemInfo } from './systemInfo.ts';

/** The experiment with this name, created if it does not exist yet. */
export async function ensureExperiment(
  client: JarvisClient,
  name: string,
): Promise<{ id: string; name: string }> {
  const found = await client.request(ExperimentByNameDocument, { name });
  if (found.experimentByName) return found.experimentByName;
  try {
    return (await client.request(CreateExperimentDocument, { name })).createExperiment;
  } catch (error) {
    // Another component created it between the two calls.
    if (!(error instanceof ConflictError)) throw error;
    const again = await client.request(ExperimentByNameDocument, { name });
    if (!again.experimentByName) throw error;
    return again.experimentByName;
  }
}

export interface StartRunOptions extends RunHandleOptions {
  runName?: string;
  component?: string;
  tags?: Record<string, string>;
}

/** A new run of the experiment (created if needed), with its params logged and where it runs recorded. */
export async function startRun(
  client: JarvisClient,
  experiment: string,
  params: Record<string, ParamValue>,
  options: StartRunOptions = {},
): Promise<RunHandle> {
  const { id: experimentId } = await ensureExperiment(client, experiment);
  const { createRun } = await client.request(CreateRunDocument, {
    input: {
      experimentId,
      name: options.runName,
      component: options.component,
      tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
      system: await systemInfo(),
    },
  });
  const run = new RunHandle(client, { id: createRun.id, name: createRun.name, experimentId }, options);
  if (Object.keys(params).length) await run.logParams(params);
  return run;
}

export type BestRun = NonNullable<BestRunQuery['bestRun']>;

export interface BestModel {
  run: BestRun;
  /** The run's latest value of the metric. */
  value: number;
  /** The newest MODEL artifact the run stored, if any. */
  artifact: BestRun['artifacts']['edges'][number]['node'] | null;
}

/** The experiment's run with the best latest value of `metric` (MAX by default); null when no run has it. */
export async function bestModel(
  client: JarvisClient,
  experiment: string,
  metric: string,
  direction: OptimizationDirection = 'MAX',
): Promise<BestModel | null> {
  const found = await client.request(ExperimentByNameDocument, { name: experiment });
  if (!found.experimentByName)
    throw new NotFoundError(`no experiment named ${experiment}`, { code: 'NOT_FOUND' });
  const { bestRun } = await client.request(BestRunDocument, {
    experimentId: found.experimentByName.id,
    metric,
    direction,
  });
  if (!bestRun) return null;
  return {
    run: bestRun,
    value: bestRun.metrics.find((m) => m.key === metric)?.value ?? Number.NaN,
    artifact: bestRun.artifacts.edges[0]?.node ?? null,
  };
}

export type ModelVersion = CreateModelVersionMutation['createModelVersion'];

/**
 * Registers a stored model artifact as the next version of a registered model (created if it
 * does not exist), from the run that produced it, and points `alias` at it when given. Retrying
 * registers the same version once.
 */
export async function registerModel(
  client: JarvisClient,
  name: string,
  from: { artifactId: string; runId?: string; alias?: string; description?: string },
): Promise<ModelVersion> {
  const { registeredModel } = await client.request(RegisteredModelDocument, { name });
  if (!registeredModel) {
    await client.request(CreateRegisteredModelDocument, { name }).catch((error: unknown) => {
      if (!(error instanceof ConflictError)) throw error;
    });
  }
  const { createModelVersion } = await client.request(CreateModelVersionDocument, {
    input: {
      name,
      artifactId: from.artifactId,
      runId: from.runId,
      description: from.description,
      idempotencyKey: `sdk-register:${name}:${from.artifactId}`,
    },
  });
  if (!from.alias) return createModelVersion;
  const { setModelAlias } = await client.request(SetModelAliasDocument, {
    name,
    alias: from.alias,
    version: createModelVersion.version,
  });
  return { ...createModelVersion, aliases: setModelAlias.aliases };
}

export type RunComparison = CompareRunsQuery['compareRuns'];

export async function compareRuns(client: JarvisClient, ids: string[]): Promise<RunComparison> {
  return (await client.request(CompareRunsDocument, { ids })).compareRuns;
}
