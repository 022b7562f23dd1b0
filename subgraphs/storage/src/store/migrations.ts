import type { SqlMigration } from '@jarvis/db';

/** The storage schema. Append new migrations; never edit an applied one. */
export const storageMigrations: SqlMigration[] = [
  {
    name: '0001_artifacts',
    up: `
create table storage.blobs (
  sha256 text primary key,
  key text not null,
  size bigint not null,
  created_at timestamptz not null default now()
);
create table storage.artifacts (
  id text primary key,
  project_id text not null,
  name text not null,
  version integer not null,
  kind text not null,
  blob_sha256 text not null references storage.blobs (sha256) on delete restrict,
  size bigint not null,
  content_type text not null,
  metadata jsonb not null default '{}',
  tags text[] not null default '{}',
  component text,
  run_id text,
  workflow_run_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (project_id, name, version)
);
create index artifacts_recent on storage.artifacts (project_id, created_at desc, id);
create index artifacts_by_name on storage.artifacts (project_id, name text_pattern_ops, version);
create index artifacts_by_run on storage.artifacts (project_id, run_id) where run_id is not null;
create index artifacts_by_workflow_run on storage.artifacts (project_id, workflow_run_id) where workflow_run_id is not null;
create index artifacts_by_component on storage.artifacts (project_id, component);
create index artifacts_by_tag on storage.artifacts using gin (tags);
create index artifacts_by_blob on storage.artifacts (blob_sha256);
create table storage.artifact_parents (
  child_id text not null references storage.artifacts (id) on delete cascade,
  parent_id text not null references storage.artifacts (id) on delete cascade,
  primary key (child_id, parent_id)
);
create index artifact_parents_by_parent on storage.artifact_parents (parent_id);
create table storage.aliases (
  project_id text not null,
  name text not null,
  alias text not null,
  version integer not null,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (project_id, name, alias)
);
create table storage.uploads (
  id text primary key,
  project_id text not null,
  status text not null,
  name text not null,
  kind text not null,
  size bigint not null,
  sha256 text not null,
  content_type text not null,
  metadata jsonb not null default '{}',
  tags text[] not null default '{}',
  component text,
  run_id text,
  workflow_run_id text,
  derived_from text[] not null default '{}',
  part_size bigint not null,
  part_count integer not null,
  handle text not null,
  presigned boolean not null,
  part_urls jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  artifact_id text,
  idempotency_key text
);
create unique index uploads_idempotency on storage.uploads (project_id, idempotency_key) where idempotency_key is not null;
create index uploads_pending on storage.uploads (expires_at) where status = 'PENDING';
`,
  },
  {
    name: '0002_blob_encoding',
    up: `
alter table storage.blobs add column encoding text not null default 'identity';
alter table storage.blobs add column stored_size bigint;
update storage.blobs set stored_size = size;
alter table storage.blobs alter column stored_size set not null;
`,
  },
  {
    name: '0003_upload_completion_claim',
    up: `alter table storage.uploads add column completing_until timestamptz;`,
  },
  {
    // MLflow's multipart uploads name a number of parts and nothing else.
    name: '0004_undeclared_uploads',
    up: `
alter table storage.uploads alter column size drop not null;
alter table storage.uploads alter column sha256 drop not null;
alter table storage.uploads alter column part_size drop not null;
`,
  },
];
