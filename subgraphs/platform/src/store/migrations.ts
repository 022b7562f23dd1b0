import type { SqlMigration } from '@jarvis/db';

/** The platform schema. Append new migrations; never edit an applied one. */
export const platformMigrations: SqlMigration[] = [
  {
    name: '0001_settings',
    up: `
create table platform.settings (
  project_id text not null,
  component text not null,
  key text not null,
  value jsonb not null,
  version integer not null,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (project_id, component, key)
);
create table platform.setting_changes (
  id bigint generated always as identity primary key,
  project_id text not null,
  component text not null,
  key text not null,
  version integer not null,
  value jsonb,
  previous_value jsonb,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  idempotency_key text
);
create index setting_changes_by_setting on platform.setting_changes (project_id, component, key, id desc);
create unique index setting_changes_idempotency on platform.setting_changes (project_id, idempotency_key)
  where idempotency_key is not null;
`,
  },
];
