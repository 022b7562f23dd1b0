import type { SqlMigration } from '@jarvis/db';

export const jobsMigrations: SqlMigration[] = [
  {
    name: '0001_jobs',
    up: `
create table jobs.jobs (
  name text primary key,
  interval_ms integer not null,
  next_run_at timestamptz not null default now(),
  lease_owner text,
  lease_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_error text,
  runs integer not null default 0,
  failures integer not null default 0
);
`,
  },
];
