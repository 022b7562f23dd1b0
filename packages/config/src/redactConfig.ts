export const REDACTED = '[redacted]';

/**
 * The configuration keys whose values may be shown (`{ config }`, logs), as dotted paths; `*`
 * matches one segment (a record's keys, an array's items). Everything else is redacted: a key
 * added to the schema stays hidden until someone decides it is safe to show, so a secret with
 * an unforeseen name (`encryption_key`, `dashboard_token`) never leaks. URL passwords are
 * redacted even in shown values.
 */
export const SHOWN_CONFIG_KEYS: readonly string[] = [
  'home',
  'server.host',
  'server.port',
  'server.subgraphs.*',
  'server.max_body_bytes',
  'server.max_api_body_bytes',
  'router.limits.max_depth',
  'router.limits.max_aliases',
  'router.limits.max_tokens',
  'router.limits.max_root_fields',
  'router.limits.max_cost',
  'router.limits.default_list_size',
  'router.limits.timeout_ms',
  'router.deduplication.inbound',
  'router.deduplication.subgraph_requests',
  'router.subscriptions.keep_alive_ms',
  'router.subscriptions.upstream_retry_ms',
  'router.documents.manifests.*',
  'router.documents.accept',
  'router.documents.apq',
  'router.console.enabled',
  'router.console.oidc_client_id',
  'router.console.oidc_scope',
  'router.console.oidc_resource',
  'database.url',
  'database.pool_size',
  'pubsub.type',
  'pubsub.url',
  'log.level',
  'auth.mode',
  'auth.oidc.issuer',
  'auth.oidc.audience',
  'auth.oidc.audience.*',
  'auth.oidc.algorithms.*',
  'auth.oidc.clock_skew_seconds',
  'auth.oidc.roles_claim',
  'auth.oidc.roles.*.group',
  'auth.oidc.roles.*.project',
  'auth.oidc.roles.*.role',
  // auth.internal_secret stays hidden.
  'auth.rate_limit.requests_per_minute',
  'auth.rate_limit.failed_sign_ins_per_minute',
  'services.drives.local_roots.*',
  'services.drives.oauth_redirect_url',
  'services.drives.google.client_id',
  'services.drives.google.auth_url',
  'services.drives.google.api_url',
  'services.drives.microsoft.client_id',
  'services.drives.microsoft.auth_url',
  'services.drives.microsoft.api_url',
  'services.drives.microsoft.tenant',
  // Their client_secret stays hidden.
  // services.drives.secret_key stays hidden.
  'services.storage.type',
  'services.storage.path',
  'services.storage.endpoint',
  'services.storage.region',
  // An access key id names the credential; the secret key is what must stay hidden.
  'services.storage.access_key',
  'services.storage.buckets.*',
  'services.storage.max_upload_bytes',
  'services.storage.max_inline_bytes',
  'services.storage.upload_expiry_hours',
  'services.storage.retention_days',
  'services.storage.gc_interval_minutes',
  'services.storage.compress_kinds.*',
  'services.storage.encrypt',
  'services.experiment.type',
  'services.experiment.tracking_uri',
  'services.experiment.registry_uri',
  'services.experiment.artifacts_uri',
  'services.workflow.type',
  'services.workflow.endpoint',
  'services.workflow.namespace',
  'services.workflow.task_queue',
  'services.analytics.type',
  'services.analytics.endpoint',
  'services.analytics.dashboard',
  'services.analytics.evaluation_interval_ms',
  'services.analytics.retention_hours',
  'services.analytics.max_series_per_metric',
  'services.notifications.smtp.host',
  'services.notifications.smtp.port',
  'services.notifications.smtp.secure',
  'services.notifications.smtp.user',
  'services.notifications.smtp.from',
  'services.notifications.max_attempts',
  'services.notifications.initial_backoff_ms',
  'services.notifications.timeout_ms',
  'services.notifications.poll_interval_ms',
  'services.notifications.legacy_webhook_headers',
];

const shownPatterns = SHOWN_CONFIG_KEYS.map((key) => key.split('.'));

function isShown(path: string[]): boolean {
  return shownPatterns.some(
    (pattern) => pattern.length === path.length && pattern.every((seg, i) => seg === '*' || seg === path[i]),
  );
}

/** Returns a copy safe to print or serve: only allow-listed keys keep their values. */
export function redactConfig<T>(value: T): T {
  return redact(value, []) as T;
}

function redact(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => redact(v, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, [...path, k])]));
  }
  if (value === undefined || value === null) return value;
  if (!isShown(path)) return REDACTED;
  return typeof value === 'string' ? redactUrlPassword(value) : value;
}

function redactUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = 'redacted';
    return url.toString().replace(':redacted@', `:${REDACTED}@`);
  } catch {
    return text;
  }
}
