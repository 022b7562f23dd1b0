import { z } from 'zod';

// Keys follow the seed's `jarvis_core.services` file (snake_case), so an existing seed config
// can be pasted in. Every section has defaults: no file at all gives the embedded setup.
// `.prefault({})` parses the empty object, so nested defaults apply to an absent section.

const storage = z
  .strictObject({
    type: z.enum(['local', 's3']).default('local'),
    /** local: folder for blobs; a relative path is under `home`. */
    path: z.string().default('blobs'),
    endpoint: z.url().optional(),
    region: z.string().default('us-east-1'),
    access_key: z.string().optional(),
    secret_key: z.string().optional(),
    /**
     * s3: the bucket Jarvis keeps every blob in (content-addressed, so one copy of identical
     * bytes across kinds) is the first. The seed lists four, one per kind; the others are
     * accepted so a seed file loads, and Jarvis says at start-up that it does not use them.
     */
    buckets: z.array(z.string().min(3).max(63)).min(1).default(['jarvis-artifacts']),
    /** Largest artifact accepted, in bytes (S3 allows 5 TiB). */
    max_upload_bytes: z
      .number()
      .int()
      .positive()
      .default(100 * 1024 ** 3),
    /** Largest artifact `storeSmallArtifact` takes inline (base64 in GraphQL). */
    max_inline_bytes: z
      .number()
      .int()
      .positive()
      .max(16 * 1024 ** 2)
      .default(1024 ** 2),
    /** How long an upload may take before its parts are discarded. */
    upload_expiry_hours: z.number().positive().default(24),
    /** How long a soft-deleted artifact can be restored before it is purged. */
    retention_days: z.number().min(0).default(7),
    /** How often expired uploads, purgeable artifacts and unused bytes are collected; 0 turns it off. */
    gc_interval_minutes: z.number().min(0).default(60),
    /** Kinds stored gzip-compressed (decompressed transparently on download). */
    compress_kinds: z.array(z.enum(['MODEL', 'DATASET', 'LOG', 'REPORT', 'MEDIA', 'OTHER'])).default(['LOG']),
    /** Encrypt blobs at rest: SSE-S3 on S3, AES-256-GCM with `encryption_key` on the local store. */
    encrypt: z.boolean().default(false),
    /** Local store: 32 bytes, base64. Put it in the environment (`${JARVIS_STORAGE_KEY}`), never beside the data. */
    encryption_key: z.string().optional(),
  })
  .refine((s) => s.type !== 's3' || s.endpoint, {
    message: 'services.storage.endpoint is required when type is s3',
    path: ['endpoint'],
  })
  .refine(
    (s) => !(s.encrypt && s.type === 'local') || Buffer.from(s.encryption_key ?? '', 'base64').length === 32,
    {
      message:
        'services.storage.encryption_key must be 32 bytes in base64 when encrypt is true on the local store (e.g. `openssl rand -base64 32`)',
      path: ['encryption_key'],
    },
  )
  .prefault({});

const experiment = z
  .strictObject({
    type: z.enum(['native', 'mlflow']).default('native'),
    /** The MLflow server runs, metrics and (unless registry_uri says otherwise) models go to. */
    tracking_uri: z.url().optional(),
    /** An MLflow server for the model registry when it is not the tracking server. */
    registry_uri: z
      .url({
        message:
          'services.experiment.registry_uri is the URL of the MLflow server that holds the registry (http://…); the database MLflow keeps it in is set on `mlflow server --backend-store-uri`',
      })
      .optional(),
    /** Where experiments Jarvis creates on MLflow keep artifacts (`s3://bucket/prefix`); MLflow's default root otherwise. */
    artifacts_uri: z.string().min(1).optional(),
  })
  .refine((e) => e.type !== 'mlflow' || e.tracking_uri, {
    message: 'services.experiment.tracking_uri is required when type is mlflow',
    path: ['tracking_uri'],
  })
  .prefault({});

const workflow = z
  .strictObject({
    type: z.enum(['local', 'temporal']).default('local'),
    endpoint: z.string().optional(),
    namespace: z.string().default('default'),
    task_queue: z.string().default('jarvis-pipeline-queue'),
  })
  .refine((w) => w.type !== 'temporal' || w.endpoint, {
    message: 'services.workflow.endpoint is required when type is temporal',
    path: ['endpoint'],
  })
  .prefault({});

const analytics = z
  .strictObject({
    /** `embedded`: recent samples of logged metrics in the metadata DB; `prometheus`: PromQL on a server. */
    type: z.enum(['embedded', 'prometheus']).default('embedded'),
    /** The Prometheus server (its HTTP API) when type is prometheus. */
    endpoint: z.url().optional(),
    /** Grafana's URL: createDashboard pushes dashboards there when set. */
    dashboard: z.url().optional(),
    /** A Grafana service account token (`${GRAFANA_TOKEN}`). */
    dashboard_token: z.string().optional(),
    /** How often alert rules are evaluated. */
    evaluation_interval_ms: z.number().int().positive().default(15_000),
    /** How long the embedded store keeps samples. */
    retention_hours: z.number().positive().default(24),
    /** Label sets one logged metric may have; past it logging is LIMIT_EXCEEDED. */
    max_series_per_metric: z.number().int().positive().default(1_000),
  })
  .refine((a) => a.type !== 'prometheus' || a.endpoint, {
    message: 'services.analytics.endpoint is required when type is prometheus',
    path: ['endpoint'],
  })
  .prefault({});

/** A drive provider's OAuth client, as registered with Google or Microsoft. */
const driveOAuthApp = {
  client_id: z.string().min(1),
  client_secret: z.string().optional(),
  /** The sign-in service's origin, for a sovereign cloud (or a test's fake). */
  auth_url: z.url().optional(),
  /** The drive API's origin, likewise. */
  api_url: z.url().optional(),
};

const drives = z
  .strictObject({
    /**
     * Where Google and Microsoft send users back after consent: Jarvis's public origin and
     * /drives/oauth/callback, exactly as registered with them.
     */
    oauth_redirect_url: z.url().default('http://127.0.0.1:4000/drives/oauth/callback'),
    /** Google Drive: an OAuth client of the Google Cloud project (Drive API enabled). */
    google: z.strictObject(driveOAuthApp).optional(),
    /** OneDrive: an app registered in Microsoft Entra ID (Files.ReadWrite.All, offline_access). */
    microsoft: z.strictObject({ ...driveOAuthApp, tenant: z.string().default('common') }).optional(),
    /**
     * Folders under which users may connect local folders as drives (a mounted share, a Mac's
     * iCloud Drive folder). Empty: no local folder can be connected.
     */
    local_roots: z.array(z.string()).default([]),
    /**
     * 32 bytes in base64 that seal drive credentials at rest (refresh tokens, WebDAV
     * passwords). Unset: a key made once and kept in `home`/drives.key.
     */
    secret_key: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, {
        message: 'services.drives.secret_key must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)',
      })
      .optional(),
  })
  .prefault({});

const notifications = z
  .strictObject({
    /** E-mail channels are refused until an SMTP server is set. */
    smtp: z
      .strictObject({
        host: z.string(),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().optional(),
        password: z.string().optional(),
        from: z.string().default('Jarvis <jarvis@localhost>'),
      })
      .optional(),
    /** Tries per notification before it is marked FAILED. */
    max_attempts: z.number().int().min(1).default(5),
    /** Wait before the second try, doubling each time (capped at 5 minutes). */
    initial_backoff_ms: z.number().int().positive().default(1_000),
    /** How long one delivery may take. */
    timeout_ms: z.number().int().positive().default(10_000),
    /** How often the outbox is checked for due deliveries (new ones are sent at once). */
    poll_interval_ms: z.number().int().positive().default(1_000),
    /** Webhooks also carry the earlier x-jarvis-delivery/-timestamp/-signature headers (for one release). */
    legacy_webhook_headers: z.boolean().default(true),
  })
  .prefault({});

const ROLES = ['viewer', 'launcher', 'editor', 'admin', 'owner'] as const;

const auth = z
  .strictObject({
    /**
     * `local`: every caller is a local admin; refused on anything but a loopback address.
     * `keys`: API keys only. `oidc`: people with an OpenID Connect provider's tokens, machines
     * with API keys.
     */
    mode: z.enum(['local', 'keys', 'oidc']).default('local'),
    oidc: z
      .strictObject({
        /** The provider's issuer URL; its `/.well-known/openid-configuration` names the JWKS. */
        issuer: z.url(),
        /** What the token's `aud` must contain (the client id, or the API's identifier). */
        audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
        /** Signature algorithms accepted; `none` and HMAC never are. */
        algorithms: z
          .array(
            z.enum([
              'RS256',
              'RS384',
              'RS512',
              'PS256',
              'PS384',
              'PS512',
              'ES256',
              'ES384',
              'ES512',
              'EdDSA',
            ]),
          )
          .min(1)
          .default(['RS256', 'ES256', 'PS256', 'EdDSA']),
        /** Leeway for `exp`/`nbf`/`iat` between the provider's clock and ours. */
        clock_skew_seconds: z.number().int().min(0).max(300).default(30),
        /** The claim with the user's groups (Keycloak, Auth0 and Entra ID call it differently). */
        roles_claim: z.string().min(1).default('groups'),
        /** Group → role in a project; `role: owner` makes a platform owner (any project). */
        roles: z
          .array(
            z.strictObject({
              group: z.string().min(1),
              project: z.string().min(1).default('default'),
              role: z.enum(ROLES),
            }),
          )
          .default([]),
      })
      .optional(),
    /**
     * Signs the caller's identity from the router to subgraphs behind `jarvis serve` (HMAC, at
     * least 32 characters). Subgraphs accept no call without it.
     */
    internal_secret: z.string().min(32).optional(),
    rate_limit: z
      .strictObject({
        /** Requests one key or user may make per minute; 0 turns the limit off. */
        requests_per_minute: z.number().int().min(0).default(6_000),
        /** Failed sign-ins one client address may make per minute before it must wait. */
        failed_sign_ins_per_minute: z.number().int().min(1).default(10),
      })
      .prefault({}),
  })
  .refine((a) => a.mode !== 'oidc' || a.oidc, {
    message: 'auth.oidc (issuer, audience) is required when auth.mode is oidc',
    path: ['oidc'],
  })
  .prefault({});

export const configSchema = z.strictObject({
  /** Where embedded backends keep their data. JARVIS_HOME overrides it. */
  home: z.string().default('./.jarvis'),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4000),
      /** `jarvis serve router`: the URL of each subgraph's /graphql. */
      subgraphs: z.record(z.string(), z.url()).default({}),
      /** Largest GraphQL request body the router reads, in bytes. */
      max_body_bytes: z.number().int().positive().default(1_048_576),
      /** Largest JSON body of the REST APIs (MLflow's, the worker API), in bytes; uploads are limited by services.storage. */
      max_api_body_bytes: z
        .number()
        .int()
        .positive()
        .default(16 * 1_048_576),
    })
    .prefault({}),
  router: z
    .strictObject({
      /** Per-operation limits, checked before any subgraph is called. */
      limits: z
        .strictObject({
          max_depth: z.number().int().positive().default(15),
          max_aliases: z.number().int().nonnegative().default(30),
          /** Lexical tokens in one document: parsing stops past it (GRAPHQL_PARSE_FAILED). */
          max_tokens: z.number().int().positive().default(15_000),
          max_root_fields: z.number().int().positive().default(20),
          /** Estimated cost: every field costs 1, times the list sizes above it. */
          max_cost: z.number().int().positive().default(200_000),
          /**
           * The size assumed for a list field with neither `@listSize` in the supergraph nor a
           * paging argument (`first`…): a list its schema's author left unpaged, so a short one.
           */
          default_list_size: z.number().int().positive().default(10),
          /** Longest a query or mutation may run, in milliseconds. */
          timeout_ms: z.number().int().positive().default(30_000),
        })
        .prefault({}),
      subscriptions: z
        .strictObject({
          /** Ping interval on subscription sockets (clients and subgraphs). */
          keep_alive_ms: z.number().int().positive().default(12_000),
          /** How long the router keeps reconnecting to a subgraph that went away. */
          upstream_retry_ms: z.number().int().nonnegative().default(30_000),
        })
        .prefault({}),
      /**
       * Identical queries in flight share one execution: `inbound`, the same query from the
       * same caller at the same instant; `subgraph_requests`, the same subgraph request made by
       * different operations. Mutations are never shared.
       */
      deduplication: z
        .strictObject({
          inbound: z.boolean().default(true),
          subgraph_requests: z.boolean().default(true),
        })
        .prefault({}),
      /** Trusted documents: manifests of operations (the typed client's), by hash. */
      documents: z
        .strictObject({
          /** Manifest files: `{ "<sha256>": "<document>" }` or Apollo's persisted query manifest. */
          manifests: z.array(z.string()).default([]),
          /** `all` takes any document; `trusted` only those of the manifests. */
          accept: z.enum(['all', 'trusted']).default('all'),
          /** Automatic persisted queries (hash first, document once) for documents not in a manifest. */
          apq: z.boolean().default(true),
        })
        .prefault({}),
      /** The web console at `/` (GraphiQL stays at /graphql). */
      console: z
        .strictObject({
          enabled: z.boolean().default(true),
          /**
           * With auth.mode oidc: the console's public client at the provider (authorization
           * code with PKCE, no secret). Register the router's origin + `/` as its redirect URI.
           */
          oidc_client_id: z.string().min(1).optional(),
          oidc_scope: z.string().min(1).default('openid profile email'),
          /** RFC 8707 resource indicator, for providers that issue JWT access tokens per API. */
          oidc_resource: z.url().optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** `pglite` (on disk under home), `pglite:memory`, or a `postgres://` URL. */
      url: z
        .string()
        .regex(
          /^(pglite(:memory)?|postgres(ql)?:\/\/.+)$/,
          'expected "pglite", "pglite:memory" or a postgres:// URL',
        )
        .default('pglite'),
      pool_size: z.number().int().positive().default(10),
    })
    .prefault({}),
  pubsub: z
    .strictObject({
      type: z.enum(['memory', 'redis']).default('memory'),
      url: z.string().optional(),
    })
    .refine((p) => p.type !== 'redis' || p.url, {
      message: 'pubsub.url is required when type is redis',
      path: ['url'],
    })
    .prefault({}),
  auth,
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    })
    .prefault({}),
  services: z.strictObject({ storage, experiment, workflow, analytics, notifications, drives }).prefault({}),
});

export type JarvisConfig = z.output<typeof configSchema>;
export type JarvisConfigInput = z.input<typeof configSchema>;
