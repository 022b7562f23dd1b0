import type { SqlMigration } from '@jarvis/db';

/** The notifications schema. Append new migrations; never edit an applied one. */
export const notificationsMigrations: SqlMigration[] = [
  {
    name: '0001_channels_rules_outbox',
    up: `
create table notifications.channels (
  id uuid primary key,
  project_id text not null,
  name text not null,
  kind text not null,
  url text,
  secret text,
  recipients jsonb not null,
  timeout_ms integer not null,
  created_at timestamptz not null default now()
);
create table notifications.rules (
  id uuid primary key,
  project_id text not null,
  event text not null,
  channel_ids jsonb not null,
  subject text,
  body text,
  filter jsonb,
  created_at timestamptz not null default now()
);
create index rules_by_event on notifications.rules (project_id, event);
-- The outbox: a notification is a row before anything is sent, so a restart loses none.
create table notifications.outbox (
  id uuid primary key,
  project_id text not null,
  channel_id uuid not null references notifications.channels (id) on delete cascade,
  event text not null,
  dedup_key text not null,
  subject text not null,
  body text not null,
  data jsonb not null,
  status text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  lease_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
-- One notification per channel and event, however many replicas heard the event.
create unique index outbox_once on notifications.outbox (channel_id, dedup_key);
create index outbox_due on notifications.outbox (status, next_attempt_at);
create index outbox_by_project on notifications.outbox (project_id, created_at desc);
create table notifications.deliveries (
  id bigint generated always as identity primary key,
  notification_id uuid not null references notifications.outbox (id) on delete cascade,
  attempt integer not null,
  at timestamptz not null,
  ok boolean not null,
  response_code integer,
  error text,
  duration_ms integer not null
);
create index deliveries_by_notification on notifications.deliveries (notification_id, id);
`,
  },
  {
    name: '0002_idempotent_creates',
    up: `
alter table notifications.channels add column idempotency_key text, add column request_hash text;
create unique index channels_idempotency on notifications.channels (project_id, idempotency_key) where idempotency_key is not null;
alter table notifications.rules add column idempotency_key text, add column request_hash text;
create unique index rules_idempotency on notifications.rules (project_id, idempotency_key) where idempotency_key is not null;
`,
  },
  {
    // MLflow's webhooks are channels too: what they are for, which events, and on or off.
    name: '0003_mlflow_webhooks',
    up: `
alter table notifications.channels
  add column description text,
  add column status text not null default 'ACTIVE',
  add column events jsonb not null default '[]',
  add column updated_at timestamptz;
update notifications.channels set updated_at = created_at;
alter table notifications.channels alter column updated_at set not null;
`,
  },
];
