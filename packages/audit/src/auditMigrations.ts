import type { SqlMigration } from '@jarvis/db';

export const auditMigrations: SqlMigration[] = [
  {
    name: '0001_audit',
    up: `
create table audit.events (
  seq bigserial primary key,
  id text not null unique,
  at timestamptz not null default now(),
  project_id text not null,
  actor_kind text not null,
  actor_id text not null,
  key_id text,
  service text not null,
  action text not null,
  targets jsonb not null default '[]',
  outcome text not null,
  request_id text not null,
  client_address text
);
create index events_project on audit.events (project_id, seq desc);
revoke update, delete on audit.events from public;
`,
  },
];
