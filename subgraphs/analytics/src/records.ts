export type MetricType = 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY';
export type Operator = 'GT' | 'GE' | 'LT' | 'LE' | 'EQ' | 'NE';
export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';
export type AlertState = 'PENDING' | 'FIRING' | 'RESOLVED';
export type Labels = Record<string, string>;

export interface MetricDefinition {
  name: string;
  projectId: string;
  type: MetricType;
  help: string;
  labelNames: string[];
  buckets: number[] | null;
  component: string | null;
}

export interface Sample {
  labels: Labels;
  value: number;
  at: Date;
}

export interface AlertRuleRecord {
  id: string;
  projectId: string;
  name: string;
  expr: string;
  metric: string | null;
  matchLabels: Labels | null;
  operator: Operator | null;
  threshold: number | null;
  forSeconds: number;
  severity: Severity;
  labels: Labels;
  summary: string | null;
  channelIds: string[];
  state: 'OK' | 'PENDING' | 'FIRING';
  lastEvaluatedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
}

export interface AlertRecord {
  id: string;
  projectId: string;
  ruleId: string;
  fingerprint: string;
  labels: Labels;
  state: AlertState;
  value: number | null;
  summary: string | null;
  activeSince: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
}

export interface DashboardRecord {
  id: string;
  projectId: string;
  uid: string;
  title: string;
  json: unknown;
  url: string | null;
  createdAt: Date;
}

/** A label set as one stable string (sorted keys), to group and compare series. */
export const labelsKey = (labels: Labels) =>
  JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
