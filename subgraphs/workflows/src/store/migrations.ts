import type { SqlMigration } from '@jarvis/db';

/** The workflows schema. Append new migrations; never edit an applied one. */
export const workflowsMigrations: SqlMigration[] = [
  {
    name: '0001_workflows',
    up: `
create table workflows.workflow_versions (
  project_id text not null,
  name text not null,
  version integer not null,
  definition jsonb not null,
  digest text not null,
  created_at timestamptz not null default now(),
  primary key (project_id, name, version)
);
create table workflows.runs (
  id text primary key,
  project_id text not null,
  workflow_name text not null,
  workflow_version integer,
  kind text not null,
  engine text not null,
  status text not null,
  progress double precision not null default 0,
  message text,
  input jsonb,
  result jsonb,
  error jsonb,
  component text,
  idempotency_key text,
  parent_run_id text,
  parent_step_id text,
  retry_of text,
  schedule_id text,
  experiment_run_id text,
  task_queue text not null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  ended_at timestamptz,
  deadline_at timestamptz,
  unique (project_id, idempotency_key)
);
create index runs_by_project on workflows.runs (project_id, created_at desc, id);
create index runs_active on workflows.runs (status) where status in ('PENDING', 'RUNNING');
create index runs_by_experiment_run on workflows.runs (experiment_run_id) where experiment_run_id is not null;
create table workflows.step_runs (
  run_id text not null references workflows.runs (id) on delete cascade,
  step_id text not null,
  position integer not null,
  kind text not null,
  status text not null,
  attempt integer not null default 0,
  activity text,
  task_queue text,
  input jsonb,
  output jsonb,
  error jsonb,
  progress double precision not null default 0,
  message text,
  due_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  heartbeat_expires_at timestamptz,
  child_run_id text,
  primary key (run_id, step_id)
);
create index step_runs_ready on workflows.step_runs (task_queue, due_at) where status in ('SCHEDULED', 'RETRYING');
create index step_runs_waiting on workflows.step_runs (due_at) where status in ('WAITING', 'RUNNING');
create table workflows.events (
  run_id text not null references workflows.runs (id) on delete cascade,
  sequence integer not null,
  type text not null,
  step_id text,
  attempt integer,
  progress double precision,
  message text,
  data jsonb,
  at timestamptz not null,
  primary key (run_id, sequence)
);
create table workflows.signals (
  id bigint generated always as identity primary key,
  run_id text not null references workflows.runs (id) on delete cascade,
  name text not null,
  payload jsonb,
  consumed_by text,
  at timestamptz not null default now()
);
create index signals_pending on workflows.signals (run_id, name) where consumed_by is null;
create table workflows.schedules (
  id text primary key,
  project_id text not null,
  workflow_name text not null,
  input jsonb,
  component text,
  cron text,
  timezone text not null default 'UTC',
  overlap text not null default 'SKIP',
  trigger jsonb,
  paused boolean not null default false,
  note text,
  engine text not null,
  next_fire_at timestamptz,
  last_fired_at timestamptz,
  buffered integer not null default 0,
  created_at timestamptz not null default now()
);
create index schedules_due on workflows.schedules (next_fire_at) where not paused;
`,
  },
];
