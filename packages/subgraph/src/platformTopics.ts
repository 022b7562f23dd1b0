/**
 * Pubsub topics one subgraph publishes and another listens to (not GraphQL subscriptions).
 * Payloads are JSON.
 */

/** Storage publishes every new artifact version here; workflows' event triggers listen. */
export const ARTIFACT_CREATED_TOPIC = 'platform.artifact.created';

export interface ArtifactCreated {
  projectId: string;
  artifactId: string;
  name: string;
  kind: string;
  version: number;
}

/** Workflows publishes each run that reached a final status; notifications listen. */
export const WORKFLOW_RUN_ENDED_TOPIC = 'platform.workflow.run-ended';

export interface WorkflowRunEnded {
  projectId: string;
  runId: string;
  workflow: string;
  component: string | null;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT';
  error: string | null;
  at: string;
}

/** Experiments publishes every move of a model alias (set, moved or deleted); notifications listen. */
export const MODEL_ALIAS_MOVED_TOPIC = 'platform.model.alias-moved';

export interface ModelAliasMoved {
  projectId: string;
  model: string;
  alias: string;
  /** The version it points at now; null once deleted. */
  version: number | null;
  previousVersion: number | null;
  at: string;
}

/** Analytics publishes each alert that started firing or resolved; notifications listen. */
export const ALERT_CHANGED_TOPIC = 'platform.alert.changed';

export interface AlertChanged {
  projectId: string;
  alertId: string;
  ruleId: string;
  rule: string;
  state: 'FIRING' | 'RESOLVED';
  severity: string;
  summary: string;
  labels: Record<string, string>;
  value: number | null;
  channelIds: string[];
  at: string;
}

/** Identity publishes each revoked API key; routers end that key's open subscriptions at once. */
export const API_KEY_REVOKED_TOPIC = 'platform.identity.key-revoked';

export interface ApiKeyRevoked {
  projectId: string;
  keyId: string;
  at: string;
}

/**
 * Experiments publishes each registry change MLflow's webhooks announce (a registered model or
 * version created, a version's tag set or deleted, an alias set or deleted, and the same for
 * prompts); notifications deliver it to the project's MLflow webhooks in MLflow's own form.
 */
export const MODEL_REGISTRY_EVENT_TOPIC = 'platform.model.registry-event';

export interface ModelRegistryEvent {
  /** The same for a repeat of one change (an idempotent retry), so it is delivered once. */
  id: string;
  projectId: string;
  /** MLflow's names: `model_version`, `created`. */
  entity: string;
  action: string;
  /** MLflow's payload for the event, e.g. { name, version, source, run_id, tags, description }. */
  data: Record<string, unknown>;
  at: string;
}
