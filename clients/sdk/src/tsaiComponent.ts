import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { type Activity, createWorker, type JarvisWorker, type WorkerOptions } from '@jarvis/worker';
import {
  awaitDriveTransfer,
  type DriveTransfer,
  type DriveTransferEvent,
  resolveDrive,
} from './drives/awaitDriveTransfer.ts';
import { DriveTransferError } from './drives/driveTransferError.ts';
import {
  type BestModel,
  bestModel,
  compareRuns,
  type ModelVersion,
  type RunComparison,
  registerModel,
  type StartRunOptions,
  startRun,
} from './experiments/experimentOperations.ts';
import type { ParamValue, RunHandle } from './experiments/runHandle.ts';
import {
  type ArtifactFieldsFragment,
  type ArtifactFilter,
  type ArtifactKind,
  ArtifactsDocument,
  CancelWorkflowDocument,
  type CancelWorkflowMutation,
  CreateSharedFolderDocument,
  ExportToDriveDocument,
  ImportFromDriveDocument,
  LogCounterDocument,
  LogGaugeDocument,
  LogHistogramDocument,
  MetricSeriesDocument,
  type MetricSeriesQuery,
  type OptimizationDirection,
  RegisterWorkflowDocument,
  type RegisterWorkflowMutation,
  SetArtifactAliasDocument,
  StartWorkflowDocument,
  type StartWorkflowMutation,
  type WorkflowDefinitionInput,
  WorkflowStatusDocument,
  type WorkflowStatusQuery,
} from './generated/graphql.ts';
import { createJarvisClient, type JarvisClient, type JarvisClientOptions } from './jarvisClient.ts';
import { NotFoundError } from './jarvisErrors.ts';
import { downloadArtifact, locateArtifact } from './storage/downloadArtifact.ts';
import { spoolToFile } from './storage/spoolToFile.ts';
import type { OnProgress } from './storage/transferProgress.ts';
import { uploadArtifact } from './storage/uploadArtifact.ts';
import { type WatchOptions, type WorkflowEvent, watchWorkflow } from './workflows/watchWorkflow.ts';

export type Artifact = ArtifactFieldsFragment;
export type WorkflowStatus = NonNullable<WorkflowStatusQuery['workflowRun']>;

export interface StoreArtifactOptions {
  /** The artifact's name; defaults to the file's name (required for a stream). */
  name?: string;
  kind?: ArtifactKind;
  contentType?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  /** The experiment run that produced it (`Run.artifacts` lists it). */
  runId?: string;
  workflowRunId?: string;
  /** Ids of the artifacts it was made from (its lineage). */
  derivedFrom?: string[];
  /** Points this alias (production, champion, …) at the new version. */
  alias?: string;
  partSize?: number;
  idempotencyKey?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export interface StartWorkflowOptions {
  /** The same key returns the same run instead of starting another. */
  idempotencyKey?: string;
  /** The experiment run the workflow's steps log metrics into (`ctx.run.logMetric`). */
  run?: RunHandle | string;
}

/**
 * What every TSAI component (Toolchain, Spotlight, Autopilot, …) extends: Jarvis's storage,
 * experiments and workflows, typed end to end and labelled with the component's name.
 *
 * ```ts
 * class Spotlight extends TSAIComponent {
 *   constructor(options: JarvisClientOptions) { super('spotlight', options); }
 * }
 * ```
 */
export class TSAIComponent implements AsyncDisposable {
  readonly name: string;
  readonly client: JarvisClient;
  readonly #workers = new Set<JarvisWorker>();

  constructor(name: string, options: JarvisClientOptions) {
    this.name = name;
    this.client = createJarvisClient(options);
  }

  // Storage

  /**
   * Stores a file or a stream as the next version of an artifact (resumable multipart upload,
   * sha256 checked by Jarvis, progress reported); returns the stored version.
   */
  async storeArtifact(
    source: string | Readable | ReadableStream<Uint8Array>,
    options: StoreArtifactOptions = {},
  ): Promise<Artifact> {
    const { alias, ...rest } = options;
    let artifact: Artifact;
    if (typeof source === 'string') {
      artifact = await uploadArtifact(this.client, source, {
        ...rest,
        name: options.name ?? basename(source),
        kind: options.kind ?? 'OTHER',
        component: this.name,
      });
    } else {
      if (!options.name) throw new TypeError('storeArtifact(stream) needs options.name');
      await using spooled = await spoolToFile(source);
      artifact = await uploadArtifact(this.client, spooled.path, {
        ...rest,
        name: options.name,
        kind: options.kind ?? 'OTHER',
        component: this.name,
      });
    }
    if (!alias) return artifact;
    await this.client.request(SetArtifactAliasDocument, {
      name: artifact.name,
      alias,
      version: artifact.version,
    });
    return { ...artifact, aliases: [...new Set([...artifact.aliases, alias])] };
  }

  /** Stores a model file (kind MODEL); pass `runId` to link it to the run that trained it. */
  storeModel(
    source: string | Readable | ReadableStream<Uint8Array>,
    options: StoreArtifactOptions = {},
  ): Promise<Artifact> {
    return this.storeArtifact(source, { ...options, kind: 'MODEL' });
  }

  /**
   * Downloads an artifact (by id, `name`, `name@alias` or `name@version`) to a file or into a
   * folder, verifying its sha256; returns the path written.
   */
  async retrieveArtifact(
    ref: string,
    localPath: string,
    options: { onProgress?: OnProgress; signal?: AbortSignal } = {},
  ): Promise<string> {
    return (await downloadArtifact(this.client, ref, localPath, options)).path;
  }

  /** Artifacts matching the filter, newest first, every page (up to `limit`, default 1,000). */
  async listArtifacts(filter: ArtifactFilter = {}, limit = 1_000): Promise<Artifact[]> {
    const found: Artifact[] = [];
    let after: string | null | undefined;
    do {
      const { artifacts } = await this.client.request(ArtifactsDocument, {
        filter,
        first: Math.min(100, limit - found.length),
        after,
      });
      found.push(...artifacts.edges.map((edge) => edge.node));
      after = artifacts.pageInfo.hasNextPage ? artifacts.pageInfo.endCursor : undefined;
    } while (after && found.length < limit);
    return found;
  }

  // Drives (the seed's client storage)

  /**
   * Brings a user's media in from their drive (by drive name or id): every file under `folder`
   * (or each of several paths) of the given types becomes a versioned artifact, named
   * `<prefix>/<path>` (`drives/<drive name>/…` by default), with its source in metadata and
   * lineage. Files imported before and unchanged are not fetched again. Resolves with the
   * artifacts; a file that could not be brought in rejects with DriveTransferError (the others
   * stay imported).
   *
   * ```ts
   * const clips = await spotlight.importUserMedia('Coach Drive', 'matches/week-1', { types: ['video'] });
   * ```
   */
  async importUserMedia(
    drive: string,
    folder: string | string[],
    options: {
      /** Media types, families or extensions: `video`, `image/png`, `.csv`. */
      types?: string[];
      maxSize?: number;
      prefix?: string;
      idempotencyKey?: string;
      onProgress?: (event: DriveTransferEvent) => void;
      signal?: AbortSignal;
    } = {},
  ): Promise<Artifact[]> {
    const driveId = await resolveDrive(this.client, drive);
    const { importFromDrive } = await this.client.request(ImportFromDriveDocument, {
      driveId,
      paths: Array.isArray(folder) ? folder : [folder],
      filter: {
        ...(options.types ? { types: options.types } : {}),
        ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}),
      },
      prefix: options.prefix,
      idempotencyKey: options.idempotencyKey,
    });
    const transfer = await this.#finished(importFromDrive.id, options);
    return transfer.files.flatMap((f) => (f.artifact ? [f.artifact] : []));
  }

  /**
   * Puts results back on the user's drive: local files (stored as artifacts first, under
   * `<component>/results/`) and artifacts (objects, ids, `name`, `name@alias`), into `folder`,
   * created if missing. With `share`, the folder is shared (with addresses, and/or anyone with
   * the link; Google Drive and OneDrive) and its link returned.
   *
   * ```ts
   * const { shareUrl } = await spotlight.exportResults(['report.pdf'], 'Coach Drive', {
   *   folder: 'Spotlight/week-1',
   *   share: { anyoneWithLink: true },
   * });
   * ```
   */
  async exportResults(
    results: (string | Artifact)[],
    drive: string,
    options: {
      folder: string;
      share?: boolean | { with?: string[]; anyoneWithLink?: boolean };
      idempotencyKey?: string;
      onProgress?: (event: DriveTransferEvent) => void;
      signal?: AbortSignal;
    },
  ): Promise<{ files: { path: string; artifact: Artifact }[]; shareUrl?: string; transfer: DriveTransfer }> {
    const driveId = await resolveDrive(this.client, drive);
    const artifactIds: string[] = [];
    for (const result of results) {
      if (typeof result !== 'string') artifactIds.push(result.id);
      else if (
        await stat(result).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        artifactIds.push(
          (await this.storeArtifact(result, { name: `${this.name}/results/${basename(result)}` })).id,
        );
      else artifactIds.push((await locateArtifact(this.client, result)).id);
    }
    const { exportToDrive } = await this.client.request(ExportToDriveDocument, {
      driveId,
      artifactIds,
      folder: options.folder,
      idempotencyKey: options.idempotencyKey,
    });
    const transfer = await this.#finished(exportToDrive.id, options);
    const files = transfer.files.flatMap((f) => (f.artifact ? [{ path: f.path, artifact: f.artifact }] : []));
    if (!options.share) return { files, transfer };
    const share = options.share === true ? { anyoneWithLink: true } : options.share;
    const { createSharedFolder } = await this.client.request(CreateSharedFolderDocument, {
      driveId,
      name: options.folder,
      shareWith: share.with ?? [],
      anyoneWithLink: share.anyoneWithLink ?? false,
    });
    return { files, transfer, shareUrl: createSharedFolder.url };
  }

  async #finished(
    id: string,
    options: { onProgress?: (event: DriveTransferEvent) => void; signal?: AbortSignal },
  ): Promise<DriveTransfer> {
    const transfer = await awaitDriveTransfer(this.client, id, {
      ...(options.onProgress ? { onEvent: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (transfer.status !== 'SUCCEEDED') throw new DriveTransferError(transfer);
    return transfer;
  }

  // Experiments

  /** Starts a run of the experiment (created if needed) with its params; log to the handle. */
  startExperiment(
    experiment: string,
    params: Record<string, ParamValue> = {},
    options: Omit<StartRunOptions, 'component'> = {},
  ): Promise<RunHandle> {
    return startRun(this.client, experiment, params, { ...options, component: this.name });
  }

  /** The experiment's best run by a metric's latest value, with the model artifact it stored. */
  bestModel(
    experiment: string,
    metric: string,
    direction: OptimizationDirection = 'MAX',
  ): Promise<BestModel | null> {
    return bestModel(this.client, experiment, metric, direction);
  }

  /** Registers a stored model as the next version of `name`, optionally moving an alias to it. */
  registerModel(
    name: string,
    from: { artifactId: string; runId?: string; alias?: string; description?: string },
  ): Promise<ModelVersion> {
    return registerModel(this.client, name, from);
  }

  /** The params and latest metrics that differ between runs. */
  compareRuns(ids: string[]): Promise<RunComparison> {
    return compareRuns(this.client, ids);
  }

  // Analytics (the seed's log_metric): Prometheus metrics on Jarvis's /metrics, labelled with the component.

  /** Sets a gauge, e.g. `logMetric('rink_ice_temperature_celsius', -4.5, { rink: 'north' })`. */
  async logMetric(
    name: string,
    value: number,
    labels: Record<string, string | number | boolean> = {},
    help?: string,
  ): Promise<void> {
    await this.client.request(LogGaugeDocument, { name, value, labels, help, component: this.name });
  }

  /** Adds to a counter (default 1). */
  async logCounter(
    name: string,
    value = 1,
    labels: Record<string, string | number | boolean> = {},
    help?: string,
  ): Promise<void> {
    await this.client.request(LogCounterDocument, { name, value, labels, help, component: this.name });
  }

  /** Observes a value in a histogram (`buckets` fixed on first use). */
  async logHistogram(
    name: string,
    value: number,
    labels: Record<string, string | number | boolean> = {},
    options: { help?: string; buckets?: number[] } = {},
  ): Promise<void> {
    await this.client.request(LogHistogramDocument, {
      name,
      value,
      labels,
      ...options,
      component: this.name,
    });
  }

  /** A PromQL query's series over a time range (embedded: a metric name with label matchers). */
  async metricSeries(
    query: string,
    start: Date,
    end: Date,
    stepSeconds = 60,
  ): Promise<MetricSeriesQuery['metricSeries']> {
    const { metricSeries } = await this.client.request(MetricSeriesDocument, {
      query,
      start: start.toISOString(),
      end: end.toISOString(),
      step: stepSeconds,
    });
    return metricSeries;
  }

  // Workflows

  /** Registers (or updates, as a new version) a pipeline definition. */
  async registerWorkflow(
    definition: WorkflowDefinitionInput,
  ): Promise<RegisterWorkflowMutation['registerWorkflow']> {
    return (await this.client.request(RegisterWorkflowDocument, { definition })).registerWorkflow;
  }

  async startWorkflow(
    workflow: string,
    input: unknown = {},
    options: StartWorkflowOptions = {},
  ): Promise<StartWorkflowMutation['startWorkflow']> {
    const run = typeof options.run === 'string' ? options.run : options.run?.id;
    const { startWorkflow } = await this.client.request(StartWorkflowDocument, {
      workflow,
      input,
      component: this.name,
      idempotencyKey: options.idempotencyKey,
      experimentRunId: run,
    });
    return startWorkflow;
  }

  /** The run's status, progress, steps, result or error. */
  async workflowStatus(id: string): Promise<WorkflowStatus> {
    const { workflowRun } = await this.client.request(WorkflowStatusDocument, { id });
    if (!workflowRun) throw new NotFoundError(`no workflow run ${id}`, { code: 'NOT_FOUND' });
    return workflowRun;
  }

  async cancelWorkflow(id: string): Promise<CancelWorkflowMutation['cancelWorkflowRun']> {
    return (await this.client.request(CancelWorkflowDocument, { id })).cancelWorkflowRun;
  }

  /** The run's events as they happen, from its first to its last, across reconnects. */
  watchWorkflow(id: string, options: WatchOptions = {}): AsyncGenerator<WorkflowEvent, void, undefined> {
    return watchWorkflow(this.client, id, options);
  }

  /**
   * Runs this component's activities for its pipelines' steps (on the local engine or Temporal,
   * as Jarvis runs); stopped with the component.
   */
  async createWorker(
    // biome-ignore lint/suspicious/noExplicitAny: each activity declares its own input and output.
    activities: Record<string, Activity<any, any>>,
    options: Omit<WorkerOptions, 'jarvis' | 'token' | 'activities'>,
  ): Promise<JarvisWorker> {
    const worker = await createWorker({
      ...options,
      jarvis: this.client.url,
      ...(this.client.apiKey ? { token: this.client.apiKey } : {}),
      activities,
    });
    this.#workers.add(worker);
    return worker;
  }

  /** Stops the component's workers and closes its connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.shutdown()));
    this.#workers.clear();
    await this.client.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
