export type ChannelKind = 'WEBHOOK' | 'SLACK' | 'EMAIL' | 'MLFLOW_WEBHOOK';
export type NotificationEvent =
  | 'ALERT_FIRING'
  | 'ALERT_RESOLVED'
  | 'WORKFLOW_COMPLETED'
  | 'WORKFLOW_FAILED'
  | 'MODEL_ALIAS_MOVED'
  | 'MODEL_REGISTRY'
  | 'TEST';
export type NotificationStatus = 'PENDING' | 'DELIVERING' | 'DELIVERED' | 'FAILED';

export interface ChannelRecord {
  id: string;
  projectId: string;
  name: string;
  kind: ChannelKind;
  url: string | null;
  secret: string | null;
  to: string[];
  timeoutMs: number;
  /** MLFLOW_WEBHOOK: what MLflow's client gave it, the events (`model_version.created`) it takes, and whether it takes them now. */
  description: string | null;
  status: 'ACTIVE' | 'DISABLED';
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RuleRecord {
  id: string;
  projectId: string;
  event: NotificationEvent;
  channelIds: string[];
  subject: string | null;
  body: string | null;
  filter: Record<string, unknown> | null;
  createdAt: Date;
}

export interface NotificationRecord {
  id: string;
  projectId: string;
  channelId: string;
  event: NotificationEvent;
  dedupKey: string;
  subject: string;
  body: string;
  data: Record<string, unknown>;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface DeliveryRecord {
  attempt: number;
  at: Date;
  ok: boolean;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
}
