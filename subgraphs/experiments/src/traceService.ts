import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, JarvisError } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import type { TraceInfoInput, TraceRecord, TraceSearch, TraceStore } from './store/traceStore.ts';
import { traceTopic } from './subscriptions.ts';
import type { OtlpSpan } from './tracing/otlpSpans.ts';

/**
 * MLflow 3's traces over a TraceStore: what `@mlflow.trace` and OpenTelemetry exporters send,
 * read back by `search_traces`, GraphQL and live agents' dashboards (`traceLogged`). Only the
 * native store keeps them (as logged models).
 */
export class TraceService {
  private readonly store: TraceStore | undefined;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;

  constructor(deps: { store: TraceStore | undefined; pubsub: PubSub; logger: Logger }) {
    this.store = deps.store;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
  }

  private get native(): TraceStore {
    if (!this.store)
      throw new JarvisError(
        'BAD_USER_INPUT',
        'traces are kept by the native experiments store; with services.experiment.type mlflow, send them to that MLflow server directly',
      );
    return this.store;
  }

  private async announce(experimentId: string, traceIds: string[]) {
    for (const traceId of traceIds)
      await this.pubsub
        // The event names the trace; the router fetches what each subscriber selected.
        .publish(traceTopic(experimentId), { id: traceId, __typename: 'Trace' })
        .catch((error: unknown) =>
          this.logger.warn({ err: error, traceId }, 'could not publish a trace update'),
        );
  }

  /** `runId`: the run the traces belong to (MLflow's `mlflow.sourceRun` metadata). */
  async logSpans(principal: Principal, experimentId: string, spans: OtlpSpan[], runId?: string) {
    const ids = await this.native.logSpans(principal.projectId, experimentId, spans, runId);
    await this.announce(experimentId, ids);
    return ids;
  }

  async startTrace(principal: Principal, info: TraceInfoInput): Promise<TraceRecord> {
    const trace = await this.native.startTrace(principal.projectId, info);
    await this.announce(trace.experimentId, [trace.id]);
    return trace;
  }

  get(principal: Principal, id: string) {
    return this.store ? this.store.get(principal.projectId, id) : Promise.resolve(undefined);
  }

  getMany(principal: Principal, ids: readonly string[]) {
    return this.store ? this.store.getMany(principal.projectId, ids) : Promise.resolve([]);
  }

  spans(principal: Principal, ids: readonly string[]) {
    return this.store
      ? this.store.spans(principal.projectId, ids)
      : Promise.resolve(new Map<string, OtlpSpan[]>());
  }

  setTag(principal: Principal, id: string, key: string, value: string) {
    if (!key || key.length > 250)
      throw badUserInput('a trace tag key is 1-250 characters', { argument: 'key' });
    return this.native.setTag(principal.projectId, id, key, value);
  }

  deleteTag(principal: Principal, id: string, key: string) {
    return this.native.deleteTag(principal.projectId, id, key);
  }

  async linkToRun(principal: Principal, ids: string[], runId: string) {
    if (ids.length > 100)
      throw badUserInput('link at most 100 traces to a run at a time', { argument: 'trace_ids' });
    await this.native.linkToRun(principal.projectId, ids, runId);
  }

  search(principal: Principal, search: TraceSearch) {
    return this.native.search(principal.projectId, search);
  }

  delete(
    principal: Principal,
    experimentId: string,
    which: { ids?: string[]; maxTimestamp?: number; maxTraces?: number },
  ) {
    if (!which.ids?.length && which.maxTimestamp === undefined)
      throw badUserInput('Either `max_timestamp_millis` or `request_ids` must be specified.', {
        argument: 'request_ids',
      });
    return this.native.delete(principal.projectId, experimentId, which);
  }
}
