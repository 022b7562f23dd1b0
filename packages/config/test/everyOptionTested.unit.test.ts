import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_KEYS } from './configKeys.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * For every configuration key, the test that starts Jarvis with it set, the way a user does
 * (a jarvis.yaml, `jarvis dev`/`jarvis serve`, or createJarvis from a parsed config), and checks
 * its effect where a user would see it. An option tested only on the component it configures
 * can be a no-op in the product (encryption was); a new key without an entry here fails.
 */
const TESTED_IN: Record<string, string> = {
  home: 'cli/test/cli.int.test.ts',
  'server.host': 'cli/test/cli.int.test.ts',
  'server.port': 'cli/test/cli.int.test.ts',
  'server.subgraphs.*': 'cli/test/cli.int.test.ts',
  'server.max_body_bytes': 'router/test/operationLimits.int.test.ts',
  'server.max_api_body_bytes': 'router/test/bodyLimits.int.test.ts',
  'router.limits.max_depth': 'router/test/operationLimits.int.test.ts',
  'router.limits.max_aliases': 'router/test/operationLimits.int.test.ts',
  'router.limits.max_tokens': 'router/test/operationLimits.int.test.ts',
  'router.limits.max_root_fields': 'router/test/operationLimits.int.test.ts',
  'router.limits.max_cost': 'router/test/operationLimits.int.test.ts',
  'router.limits.default_list_size': 'router/test/operationLimits.int.test.ts',
  'router.limits.timeout_ms': 'router/test/operationLimits.int.test.ts',
  'router.deduplication.inbound': 'router/test/inboundDeduplication.int.test.ts',
  'router.deduplication.subgraph_requests': 'router/test/subgraphDeduplication.int.test.ts',
  'router.subscriptions.keep_alive_ms': 'router/test/subscriptions.int.test.ts',
  'router.subscriptions.upstream_retry_ms': 'router/test/routerOverHttp.int.test.ts',
  'router.documents.manifests.*': 'router/test/trustedDocuments.int.test.ts',
  'router.documents.accept': 'router/test/trustedDocuments.int.test.ts',
  'router.documents.apq': 'router/test/trustedDocuments.int.test.ts',
  'router.console.enabled': 'app/test/webConsole.int.test.ts',
  'router.console.oidc_client_id': 'app/test/webConsole.int.test.ts',
  'router.console.oidc_scope': 'clients/console/test/signIn.int.test.ts',
  'router.console.oidc_resource': 'clients/console/test/signIn.int.test.ts',
  'database.url': 'packages/db/test/poolSize.int.test.ts',
  'database.pool_size': 'packages/db/test/poolSize.int.test.ts',
  'pubsub.type': 'subgraphs/workflows/test/workflows.int.test.ts',
  'pubsub.url': 'subgraphs/workflows/test/workflows.int.test.ts',
  'log.level': 'cli/test/cli.int.test.ts',
  'auth.mode': 'subgraphs/identity/test/apiKeys.int.test.ts',
  'auth.oidc.issuer': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.audience': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.audience.*': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.algorithms.*': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.clock_skew_seconds': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.roles_claim': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.roles.*.group': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.roles.*.project': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.oidc.roles.*.role': 'subgraphs/identity/test/oidc.int.test.ts',
  'auth.internal_secret': 'cli/test/serveAuth.int.test.ts',
  'auth.rate_limit.requests_per_minute': 'router/test/authDoors.int.test.ts',
  'auth.rate_limit.failed_sign_ins_per_minute': 'subgraphs/identity/test/oidc.int.test.ts',
  'services.drives.local_roots.*': 'subgraphs/drives/test/drives.int.test.ts',
  'services.drives.secret_key': 'subgraphs/drives/test/drives.int.test.ts',
  'services.drives.oauth_redirect_url': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.google.client_id': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.google.client_secret': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.google.auth_url': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.google.api_url': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.microsoft.client_id': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.microsoft.client_secret': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.microsoft.auth_url': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.microsoft.api_url': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.drives.microsoft.tenant': 'subgraphs/drives/test/driveOAuthConnect.int.test.ts',
  'services.storage.type': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.path': 'subgraphs/storage/test/storageOptions.int.test.ts',
  'services.storage.endpoint': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.region': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.access_key': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.secret_key': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.buckets.*': 'subgraphs/storage/test/s3Options.int.test.ts',
  'services.storage.max_upload_bytes': 'router/test/bodyLimits.int.test.ts',
  'services.storage.max_inline_bytes': 'subgraphs/storage/test/storageOptions.int.test.ts',
  'services.storage.upload_expiry_hours': 'subgraphs/storage/test/storageOptions.int.test.ts',
  'services.storage.retention_days': 'subgraphs/storage/test/storage.int.test.ts',
  'services.storage.gc_interval_minutes': 'subgraphs/storage/test/storageOptions.int.test.ts',
  'services.storage.compress_kinds.*': 'subgraphs/storage/test/storageOptions.int.test.ts',
  'services.storage.encrypt': 'subgraphs/storage/test/encryptionFromConfig.int.test.ts',
  'services.storage.encryption_key': 'subgraphs/storage/test/encryptionFromConfig.int.test.ts',
  'services.experiment.type': 'subgraphs/experiments/test/mlflowBackend.int.test.ts',
  'services.experiment.tracking_uri': 'subgraphs/experiments/test/mlflowBackend.int.test.ts',
  'services.experiment.registry_uri': 'subgraphs/experiments/test/mlflowBackend.int.test.ts',
  'services.experiment.artifacts_uri': 'subgraphs/experiments/test/mlflowBackend.int.test.ts',
  'services.workflow.type': 'subgraphs/workflows/test/temporalEngine.int.test.ts',
  'services.workflow.endpoint': 'subgraphs/workflows/test/temporalEngine.int.test.ts',
  'services.workflow.namespace': 'subgraphs/workflows/test/temporalEngine.int.test.ts',
  'services.workflow.task_queue': 'subgraphs/workflows/test/temporalEngine.int.test.ts',
  'services.analytics.type': 'subgraphs/notifications/test/alertingFlow.int.test.ts',
  'services.analytics.endpoint': 'subgraphs/notifications/test/alertingFlow.int.test.ts',
  'services.analytics.dashboard': 'subgraphs/analytics/test/analytics.int.test.ts',
  'services.analytics.dashboard_token': 'subgraphs/analytics/test/analytics.int.test.ts',
  'services.analytics.evaluation_interval_ms': 'subgraphs/notifications/test/alertingFlow.int.test.ts',
  'services.analytics.retention_hours': 'subgraphs/analytics/test/analytics.int.test.ts',
  'services.analytics.max_series_per_metric': 'subgraphs/analytics/test/analytics.int.test.ts',
  'services.notifications.smtp.host': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.smtp.port': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.smtp.secure': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.smtp.user': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.smtp.password': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.smtp.from': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.max_attempts': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.initial_backoff_ms': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.timeout_ms': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.poll_interval_ms': 'subgraphs/notifications/test/notifications.int.test.ts',
  'services.notifications.legacy_webhook_headers': 'subgraphs/notifications/test/notifications.int.test.ts',
};

/** How a test starts a whole Jarvis as users do. */
const USER_DOORS =
  /\b(testJarvis|servedJarvis|jarvisFromFile|runJarvis|createJarvis|workflowHarness|createRuntime)\(/;

describe('every configuration option is exercised through Jarvis as a user starts it', () => {
  it('the list names exactly the keys of the configuration schema', () => {
    expect(Object.keys(TESTED_IN).sort()).toEqual([...ALL_KEYS].sort());
  });

  it.each(ALL_KEYS)('%s', (key) => {
    const file = TESTED_IN[key];
    expect(file, `no test is named for ${key}: add one that starts Jarvis with it set`).toBeDefined();
    expect(existsSync(`${ROOT}${file}`), `${file} does not exist`).toBe(true);
    const own = readFileSync(`${ROOT}${file}`, 'utf8');
    expect(own).toMatch(USER_DOORS);
    // A key may be written in a helper of the test's own folder it imports (a YAML builder).
    const helpers = [...own.matchAll(/from '(\.\/[^']+\.ts)'/g)].map((m) =>
      readFileSync(`${ROOT}${file!.replace(/[^/]+$/, '')}${m[1]!.slice(2)}`, 'utf8'),
    );
    const source = [own, ...helpers].join('\n');
    // The key is set there, in YAML or in an object literal (records and lists by their name).
    const segments = key.split('.').filter((s) => s !== '*');
    const name = segments.at(-1)!;
    expect(source, `${file} never sets ${name}`).toMatch(new RegExp(`\\b${name}\\b['"]?\\s*:`));
  });
});
