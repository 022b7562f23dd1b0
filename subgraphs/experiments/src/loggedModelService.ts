import type { Principal } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import { nativeOnly } from './nativeOnly.ts';
import type {
  DatasetInput,
  LoggedModelRecord,
  LoggedModelSearch,
  LoggedModelStatus,
  LoggedModelStore,
  ModelMetric,
  RunIo,
} from './store/loggedModelStore.ts';
import { LOGGED_MODEL_STATUSES } from './store/loggedModelStore.ts';

const ADJECTIVES = ['able', 'bold', 'brisk', 'calm', 'keen', 'lucid', 'neat', 'quick', 'sharp', 'tidy'];
const NOUNS = ['bass', 'crane', 'finch', 'hawk', 'lynx', 'otter', 'puma', 'robin', 'seal', 'wren'];
const pick = (words: string[]) => words[Math.floor(Math.random() * words.length)]!;

/**
 * MLflow 3's logged models, datasets and run inputs/outputs over a LoggedModelStore. Only the
 * native store keeps them; with an existing MLflow server as the backend they are refused
 * (its clients should talk to that server), since MLflow has no projects to keep them apart.
 */
export class LoggedModelService {
  private readonly store: LoggedModelStore | undefined;
  private readonly remoteRunIo: ((runIds: readonly string[]) => Promise<Map<string, RunIo>>) | undefined;

  /** `remoteRunIo`: where runs' inputs and outputs are read when an MLflow server keeps them. */
  constructor(
    store: LoggedModelStore | undefined,
    remoteRunIo?: (runIds: readonly string[]) => Promise<Map<string, RunIo>>,
  ) {
    this.store = store;
    this.remoteRunIo = remoteRunIo;
  }

  private get native(): LoggedModelStore {
    return nativeOnly(this.store, 'logged models and datasets');
  }

  create(
    principal: Principal,
    input: {
      experimentId: string;
      name?: string | undefined;
      modelType?: string | undefined;
      sourceRunId?: string | undefined;
      params: Record<string, string>;
      tags: Record<string, string>;
    },
  ): Promise<LoggedModelRecord> {
    const name = input.name || `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1000)}`;
    if (name.length > 500 || /[/:]/.test(name) || [...name].some((ch) => ch.charCodeAt(0) < 0x20))
      throw badUserInput(
        `model name ${JSON.stringify(name.slice(0, 100))} must be up to 500 characters without "/", ":" or control characters`,
        {
          argument: 'name',
        },
      );
    return this.native.create(principal.projectId, { ...input, name });
  }

  /** Whether this backend keeps logged models (the native store does; an MLflow server keeps its own). */
  get kept(): boolean {
    return this.store !== undefined;
  }

  get(principal: Principal, id: string) {
    return this.store ? this.store.get(principal.projectId, id) : Promise.resolve(undefined);
  }

  getMany(principal: Principal, ids: readonly string[]) {
    return this.store ? this.store.getMany(principal.projectId, ids) : Promise.resolve([]);
  }

  finalize(principal: Principal, id: string, status: string) {
    if (!LOGGED_MODEL_STATUSES.includes(status as LoggedModelStatus) || status === 'LOGGED_MODEL_PENDING')
      throw badUserInput(
        `Invalid value for parameter 'status': ${JSON.stringify(status)}; a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED`,
        { argument: 'status' },
      );
    return this.native.setStatus(principal.projectId, id, status as LoggedModelStatus);
  }

  delete(principal: Principal, id: string) {
    return this.native.delete(principal.projectId, id);
  }

  setTags(principal: Principal, id: string, tags: Record<string, string>) {
    return this.native.setTags(principal.projectId, id, tags);
  }

  deleteTag(principal: Principal, id: string, key: string) {
    return this.native.deleteTag(principal.projectId, id, key);
  }

  logParams(principal: Principal, id: string, params: Record<string, string>) {
    return this.native.logParams(principal.projectId, id, params);
  }

  /** Nothing to do when no point names a model (most batches): the backend is not asked. */
  async logMetrics(principal: Principal, metrics: ModelMetric[]) {
    if (metrics.length && this.store) await this.store.logMetrics(principal.projectId, metrics);
  }

  search(principal: Principal, search: LoggedModelSearch) {
    return this.native.search(principal.projectId, search);
  }

  modelsOfRun(principal: Principal, runId: string) {
    return this.store ? this.store.modelsOfRun(principal.projectId, runId) : Promise.resolve([]);
  }

  logInputs(principal: Principal, runId: string, datasets: DatasetInput[], models: string[]) {
    return this.native.logInputs(principal.projectId, runId, datasets, models);
  }

  logOutputs(principal: Principal, runId: string, models: { modelId: string; step: number }[]) {
    return this.native.logOutputs(principal.projectId, runId, models);
  }

  /** Inputs and outputs of these runs; none when the backend does not keep them. */
  async runIo(principal: Principal, runIds: readonly string[]): Promise<Map<string, RunIo>> {
    if (this.store) return this.store.runIo(principal.projectId, runIds);
    return this.remoteRunIo ? this.remoteRunIo(runIds) : new Map();
  }

  searchDatasets(principal: Principal, experimentIds: string[]) {
    return this.native.searchDatasets(principal.projectId, experimentIds);
  }
}
