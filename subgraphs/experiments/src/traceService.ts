import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import { nativeOnly } from './nativeOnly.ts';
import type { TraceInfoInput, TraceRecord, TraceSearch, TraceStore } from './store/traceStore.ts';
import { traceTopic } from './subscriptions.ts';
import type { OtlpSpan } from './tracing/otlpSpans.ts';

const SOURCE_TYPES = ['HUMAN', 'LLM_JUDGE', 'CODE', 'SOURCE_TYPE_UNSPECIFIED'];
/** The fields of an assessment a client may set (MLflow's Assessment message, less id and times). */
const FIELDS = [
  'assessment_name',
  'source',
  'feedback',
  'expectation',
  'rationale',
  'metadata',
  'span_id',
  'overrides',
  'valid',
];

/** An assessment's fields as given, checked as MLflow's server checks them. */
function checkAssessment(given: Record<string, unknown>, partial: boolean): Record<string, unknown> {
  const content = Object.fromEntries(
    Object.entries(given).filter(([k, v]) => FIELDS.includes(k) && v !== undefined && v !== null),
  );
  const name = content.assessment_name;
  if (!partial && (typeof name !== 'string' || !name))
    throw badUserInput("Missing value for required parameter 'assessment.assessment_name'.", {
      argument: 'assessment_name',
    });
  if (name !== undefined && (typeof name !== 'string' || name.length > 250))
    throw badUserInput('assessment_name must be a string of up to 250 characters', {
      argument: 'assessment_name',
    });
  if (!partial && 'feedback' in content === 'expectation' in content)
    throw badUserInput('An assessment must have exactly one of feedback or expectation.', {
      argument: 'assessment',
    });
  for (const key of ['feedback', 'expectation', 'source', 'metadata'])
    if (key in content && (typeof content[key] !== 'object' || Array.isArray(content[key])))
      throw badUserInput(`assessment.${key} must be an object`, { argument: key });
  const source = content.source as { source_type?: unknown } | undefined;
  if (!partial && !source)
    throw badUserInput("Missing value for required parameter 'assessment.source'.", { argument: 'source' });
  if (source && source.source_type !== undefined && !SOURCE_TYPES.includes(String(source.source_type)))
    throw badUserInput(`source_type must be one of ${SOURCE_TYPES.join(', ')}`, { argument: 'source' });
  if ('rationale' in content && typeof content.rationale !== 'string')
    throw badUserInput('assessment.rationale must be a string', { argument: 'rationale' });
  if (JSON.stringify(content).length > 256 * 1024)
    throw badUserInput('an assessment is at most 256 KiB of JSON', { argument: 'assessment' });
  return content;
}

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
    return nativeOnly(this.store, 'traces');
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

  addAssessment(principal: Principal, traceId: string, given: Record<string, unknown>) {
    return this.native.addAssessment(principal.projectId, traceId, {
      ...checkAssessment(given, false),
      valid: true,
    });
  }

  async assessment(principal: Principal, traceId: string, id: string) {
    const trace = await this.get(principal, traceId);
    return trace?.assessments.find((a) => a.id === id);
  }

  /**
   * `mask`: MLflow's update_mask, the fields to replace (a field named but not given is
   * cleared); without one, every field given replaces its value. Feedback and expectation
   * exclude each other.
   */
  async updateAssessment(
    principal: Principal,
    traceId: string,
    id: string,
    given: Record<string, unknown>,
    mask: string[],
  ) {
    if (!(await this.assessment(principal, traceId, id)))
      throw notFound(`Assessment with ID '${id}' not found for trace '${traceId}'`, {
        argument: 'assessment_id',
      });
    const changes = checkAssessment(given, true);
    const paths = mask.length ? mask : Object.keys(changes);
    const unknown = paths.find((p) => !FIELDS.includes(p));
    if (unknown)
      throw badUserInput(`update_mask names ${JSON.stringify(unknown)}, which is not an assessment field`, {
        argument: 'update_mask',
      });
    // Merged under the row's lock, so a concurrent update of other fields is kept.
    return this.native.updateAssessment(principal.projectId, traceId, id, (current) => {
      const next: Record<string, unknown> = { ...current.content };
      for (const path of paths) {
        if (path in changes) next[path] = changes[path];
        else delete next[path];
      }
      if ('feedback' in changes && paths.includes('feedback')) delete next.expectation;
      if ('expectation' in changes && paths.includes('expectation')) delete next.feedback;
      return checkAssessment(next, false);
    });
  }

  deleteAssessment(principal: Principal, traceId: string, id: string) {
    return this.native.deleteAssessment(principal.projectId, traceId, id);
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
