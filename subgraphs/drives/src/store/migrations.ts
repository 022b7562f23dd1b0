import type { SqlMigration } from '@jarvis/db';

/** The drives schema. Append new migrations; never edit an applied one. */
export const drivesMigrations: SqlMigration[] = [
  {
    name: '0001_drives',
    up: `
create table drives.drives (
  id uuid primary key,
  project_id text not null,
  owner_id text not null,
  name text not null,
  provider text not null,
  status text not null,
  location text not null,
  settings jsonb not null,
  -- Sealed (AES-256-GCM, bound to the row's id); never the credential itself.
  secret text,
  created_at timestamptz not null default now()
);
-- One name per owner and project: two connects of one name at once, one wins.
create unique index drives_by_owner_name on drives.drives (project_id, owner_id, lower(name));
`,
  },
  {
    name: '0002_oauth_states',
    up: `
-- A consent under way: its state is the capability the callback presents, used once.
create table drives.oauth_states (
  state text primary key,
  project_id text not null,
  owner_id text not null,
  name text not null,
  provider text not null,
  verifier text not null,
  created_at timestamptz not null default now()
);
`,
  },
  {
    name: '0003_transfers',
    up: `
-- An import or an export: what was asked, who asked (it acts as them), where it stands.
create table drives.transfers (
  id uuid primary key,
  project_id text not null,
  owner_id text not null,
  drive_id uuid not null references drives.drives (id) on delete cascade,
  direction text not null,
  status text not null,
  request jsonb not null,
  principal jsonb not null,
  files_total integer not null default 0,
  files_done integer not null default 0,
  files_skipped integer not null default 0,
  files_failed integer not null default 0,
  bytes_total bigint not null default 0,
  bytes_done bigint not null default 0,
  error text,
  idempotency_key text,
  request_hash text,
  sync_job_id uuid,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create unique index transfers_by_key on drives.transfers (project_id, owner_id, idempotency_key)
  where idempotency_key is not null;
create index transfers_unfinished on drives.transfers (created_at) where status in ('PENDING', 'RUNNING');
create index transfers_by_drive on drives.transfers (drive_id, created_at);

-- What moved, file by file: a transfer's (and a sync run's) history.
create table drives.transfer_files (
  transfer_id uuid not null references drives.transfers (id) on delete cascade,
  path text not null,
  outcome text not null,
  size bigint not null,
  artifact_id uuid,
  error_code text,
  error text,
  at timestamptz not null default now(),
  primary key (transfer_id, path)
);

-- What each drive file became in storage: what an import skips when unchanged, what search reads.
create table drives.imported_files (
  drive_id uuid not null references drives.drives (id) on delete cascade,
  path text not null,
  project_id text not null,
  owner_id text not null,
  name text not null,
  provider_id text not null,
  version text not null,
  modified_at timestamptz not null,
  size bigint not null,
  mime_type text not null,
  artifact_id uuid not null,
  content text not null default '',
  imported_at timestamptz not null default now(),
  -- Weighted words of the name, the path and the text (written with the row, not generated, so
  -- a backup's rows restore as they are).
  search tsvector not null,
  primary key (drive_id, path)
);
create index imported_files_search on drives.imported_files using gin (search);
create index imported_files_by_artifact on drives.imported_files (artifact_id);
`,
  },
  {
    name: '0004_sync_jobs',
    up: `
-- A folder of a drive kept equal to an artifact prefix, one way or both, on a schedule.
create table drives.sync_jobs (
  id uuid primary key,
  project_id text not null,
  owner_id text not null,
  drive_id uuid not null references drives.drives (id) on delete cascade,
  folder text not null,
  prefix text not null,
  direction text not null,
  interval_minutes integer not null,
  propagate_deletions boolean not null,
  enabled boolean not null default true,
  principal jsonb not null,
  next_run_at timestamptz not null,
  idempotency_key text,
  request_hash text,
  created_at timestamptz not null default now()
);
create unique index sync_jobs_by_key on drives.sync_jobs (project_id, owner_id, idempotency_key)
  where idempotency_key is not null;
create index sync_jobs_due on drives.sync_jobs (next_run_at) where enabled;
-- Two jobs writing one prefix would undo each other's runs: one job a prefix, in a project.
create unique index sync_jobs_by_prefix on drives.sync_jobs (project_id, prefix);

-- What each side held when a path was last in sync: what tells a change, a deletion, a conflict.
-- An empty drive_version or artifact_id: that side deleted it and the deletion was not propagated.
create table drives.sync_state (
  sync_job_id uuid not null references drives.sync_jobs (id) on delete cascade,
  drive_path text not null,
  artifact_name text not null,
  drive_version text not null,
  artifact_id text not null,
  synced_at timestamptz not null default now(),
  primary key (sync_job_id, drive_path)
);
create unique index sync_state_by_artifact on drives.sync_state (sync_job_id, artifact_name);

-- One run of a sync job at a time.
create unique index transfers_one_sync_run on drives.transfers (sync_job_id)
  where sync_job_id is not null and status in ('PENDING', 'RUNNING');
alter table drives.transfer_files add column direction text;
`,
  },
  {
    name: '0005_sync_cursor',
    up: `
-- Where the drive's change feed (Google changes, Graph delta) stood at the last clean run.
alter table drives.sync_jobs add column drive_cursor text;
`,
  },
];
