import type { Connection, IdempotencyStamp } from '@jarvis/subgraph';
import type {
  AlertRecord,
  AlertRuleRecord,
  DashboardRecord,
  Labels,
  MetricDefinition,
  Sample,
} from '../records.ts';

export type RuleFields = Omit<
  AlertRuleRecord,
  'id' | 'projectId' | 'state' | 'lastEvaluatedAt' | 'lastError' | 'createdAt'
>;

/** What an evaluation decided for one rule; applied atomically. */
export interface RuleOutcome {
  state: AlertRuleRecord['state'];
  error: string | null;
  insert: Omit<AlertRecord, 'id' | 'projectId' | 'ruleId'>[];
  update: {
    id: string;
    state: 'PENDING' | 'FIRING' | 'RESOLVED';
    value: number | null;
    summary: string | null;
    firedAt: Date | null;
    resolvedAt: Date | null;
  }[];
  remove: string[];
}

/**
 * Where the analytics subgraph keeps component metric definitions, embedded samples, alert rules,
 * alerts and dashboards. One implementation per SQL backend family (sqlAnalyticsStore.ts).
 */
export interface AnalyticsStore {
  definitions(): Promise<MetricDefinition[]>;
  /** Keeps a definition; the first one for a name wins (a concurrent replica's is the same or refused later). */
  define(definition: MetricDefinition): Promise<void>;
  addSample(projectId: string, name: string, labels: Labels, value: number): Promise<void>;
  /** Samples of a metric in [start, end], oldest first. */
  samples(projectId: string, name: string, start: Date, end: Date): Promise<Sample[]>;
  /** The latest sample of each label set of a metric. */
  latest(projectId: string, name: string): Promise<Sample[]>;
  pruneSamples(before: Date): Promise<number>;
  /** Undefined when the stamp's key made a rule already (see createOnce). */
  createRule(
    projectId: string,
    fields: RuleFields,
    stamp?: IdempotencyStamp,
  ): Promise<AlertRuleRecord | undefined>;
  /** The rule an idempotency key made, with the hash of the request that made it. */
  ruleByIdempotencyKey(
    projectId: string,
    key: string,
  ): Promise<{ record: AlertRuleRecord; requestHash: string | null } | undefined>;
  updateRule(projectId: string, id: string, fields: RuleFields): Promise<AlertRuleRecord | undefined>;
  deleteRule(projectId: string, id: string): Promise<AlertRuleRecord | undefined>;
  rule(projectId: string, id: string): Promise<AlertRuleRecord | undefined>;
  rules(projectId?: string): Promise<AlertRuleRecord[]>;
  /** A page of the project's alerts, newest first, with their total. */
  alertPage(
    projectId: string,
    filter: { state?: string | null; ruleId?: string | null },
    page: { first?: number | null; after?: string | null },
  ): Promise<Connection<AlertRecord>>;
  alert(projectId: string, id: string): Promise<AlertRecord | undefined>;
  /**
   * Evaluates one rule under its row lock, so two replicas never both decide its alerts: the
   * one that gets the lock decides, the other skips it this round.
   */
  evaluateRule(
    id: string,
    decide: (rule: AlertRuleRecord, active: AlertRecord[]) => Promise<RuleOutcome>,
  ): Promise<{ rule: AlertRuleRecord; changed: AlertRecord[] } | undefined>;
  /** Resolves a deleted rule's active alerts. */
  resolveAll(ruleId: string): Promise<AlertRecord[]>;
  saveDashboard(
    projectId: string,
    dashboard: Omit<DashboardRecord, 'id' | 'projectId' | 'createdAt'>,
  ): Promise<DashboardRecord>;
  dashboards(projectId: string): Promise<DashboardRecord[]>;
  dashboard(projectId: string, id: string): Promise<DashboardRecord | undefined>;
}
