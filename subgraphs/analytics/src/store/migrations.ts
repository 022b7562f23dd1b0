import type { SqlMigration } from '@jarvis/db';

/** The analytics schema. Append new migrations; never edit an applied one. */
export const analyticsMigrations: SqlMigration[] = [
  {
    name: '0001_metrics_alerts_dashboards',
    up: `
create table analytics.metric_definitions (
  name text primary key,
  project_id text not null,
  type text not null,
  help text not null,
  label_names jsonb not null,
  buckets jsonb,
  component text,
  created_at timestamptz not null default now()
);
create table analytics.metric_samples (
  id bigint generated always as identity primary key,
  project_id text not null,
  name text not null,
  labels jsonb not null,
  labels_key text not null,
  value double precision not null,
  at timestamptz not null default now()
);
create index metric_samples_by_series on analytics.metric_samples (project_id, name, at);
create table analytics.alert_rules (
  id uuid primary key,
  project_id text not null,
  name text not null,
  expr text not null,
  metric text,
  match_labels jsonb,
  operator text,
  threshold double precision,
  for_seconds integer not null,
  severity text not null,
  labels jsonb not null,
  summary text,
  channel_ids jsonb not null,
  state text not null default 'OK',
  last_evaluated_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create table analytics.alerts (
  id uuid primary key,
  project_id text not null,
  rule_id uuid not null,
  fingerprint text not null,
  labels jsonb not null,
  state text not null,
  value double precision,
  summary text,
  active_since timestamptz not null,
  fired_at timestamptz,
  resolved_at timestamptz
);
create index alerts_by_rule on analytics.alerts (rule_id, active_since desc);
create index alerts_by_project on analytics.alerts (project_id, active_since desc);
create unique index alerts_one_active on analytics.alerts (rule_id, fingerprint) where state <> 'RESOLVED';
create table analytics.dashboards (
  id uuid primary key,
  project_id text not null,
  uid text not null,
  title text not null,
  json jsonb not null,
  url text,
  created_at timestamptz not null default now()
);
`,
  },
  {
    name: '0002_idempotent_rules',
    up: `
alter table analytics.alert_rules add column idempotency_key text, add column request_hash text;
create unique index alert_rules_idempotency on analytics.alert_rules (project_id, idempotency_key) where idempotency_key is not null;
`,
  },
];
