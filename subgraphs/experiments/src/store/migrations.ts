import type { SqlMigration } from '@jarvis/db';

/** The experiments schema. Append new migrations; never edit an applied one. */
export const experimentsMigrations: SqlMigration[] = [
  {
    name: '0001_tracking',
    up: `
create table experiments.experiments (
  id bigint generated always as identity primary key,
  project_id text not null,
  name text not null,
  artifact_location text not null,
  lifecycle_stage text not null default 'active',
  creation_time bigint not null,
  last_update_time bigint not null,
  unique (project_id, name)
);
create table experiments.experiment_tags (
  experiment_id bigint not null references experiments.experiments (id) on delete cascade,
  key text not null,
  value text not null,
  primary key (experiment_id, key)
);
create table experiments.runs (
  id text primary key,
  project_id text not null,
  experiment_id bigint not null references experiments.experiments (id) on delete cascade,
  name text not null,
  status text not null,
  start_time bigint not null,
  end_time bigint,
  lifecycle_stage text not null default 'active',
  artifact_uri text not null
);
create index runs_by_experiment on experiments.runs (experiment_id, start_time desc, id);
create index runs_by_project on experiments.runs (project_id, start_time desc);
create table experiments.params (
  run_id text not null references experiments.runs (id) on delete cascade,
  key text not null,
  value text not null,
  primary key (run_id, key)
);
create table experiments.run_tags (
  run_id text not null references experiments.runs (id) on delete cascade,
  key text not null,
  value text not null,
  primary key (run_id, key)
);
create table experiments.metrics (
  run_id text not null references experiments.runs (id) on delete cascade,
  key text not null,
  value double precision not null,
  timestamp bigint not null,
  step bigint not null
);
create index metrics_history on experiments.metrics (run_id, key, step, timestamp);
create table experiments.latest_metrics (
  run_id text not null references experiments.runs (id) on delete cascade,
  key text not null,
  value double precision not null,
  timestamp bigint not null,
  step bigint not null,
  primary key (run_id, key)
);
create index latest_metrics_by_key_value on experiments.latest_metrics (key, value);
`,
  },
  {
    name: '0002_idempotency',
    up: `
create table experiments.idempotency_keys (
  project_id text not null,
  key text not null,
  run_id text not null,
  created_at timestamptz not null default now(),
  primary key (project_id, key)
);
`,
  },
  {
    name: '0003_registry',
    up: `
create table experiments.registered_models (
  project_id text not null,
  name text not null,
  description text not null default '',
  creation_time bigint not null,
  last_updated_time bigint not null,
  next_version integer not null default 1,
  primary key (project_id, name)
);
create table experiments.registered_model_tags (
  project_id text not null,
  name text not null,
  key text not null,
  value text not null,
  primary key (project_id, name, key),
  foreign key (project_id, name) references experiments.registered_models (project_id, name)
    on delete cascade on update cascade
);
create table experiments.model_versions (
  project_id text not null,
  name text not null,
  version integer not null,
  description text not null default '',
  source text not null,
  run_id text,
  artifact_id text,
  status text not null default 'READY',
  creation_time bigint not null,
  last_updated_time bigint not null,
  idempotency_key text,
  primary key (project_id, name, version),
  unique (project_id, idempotency_key),
  foreign key (project_id, name) references experiments.registered_models (project_id, name)
    on delete cascade on update cascade
);
create index model_versions_by_run on experiments.model_versions (project_id, run_id);
create table experiments.model_version_tags (
  project_id text not null,
  name text not null,
  version integer not null,
  key text not null,
  value text not null,
  primary key (project_id, name, version, key),
  foreign key (project_id, name, version) references experiments.model_versions (project_id, name, version)
    on delete cascade on update cascade
);
create table experiments.model_aliases (
  project_id text not null,
  name text not null,
  alias text not null,
  version integer not null,
  primary key (project_id, name, alias),
  foreign key (project_id, name, version) references experiments.model_versions (project_id, name, version)
    on delete cascade on update cascade
);
`,
  },
  {
    name: '0004_mlflow3',
    up: `
create table experiments.logged_models (
  id text primary key,
  project_id text not null,
  experiment_id bigint not null references experiments.experiments (id) on delete cascade,
  name text not null,
  artifact_location text not null,
  status text not null,
  status_message text,
  model_type text,
  source_run_id text,
  lifecycle_stage text not null default 'active',
  creation_time bigint not null,
  last_updated_time bigint not null
);
create index logged_models_by_experiment on experiments.logged_models (experiment_id, creation_time desc, id);
create index logged_models_by_run on experiments.logged_models (source_run_id);
create table experiments.logged_model_tags (
  model_id text not null references experiments.logged_models (id) on delete cascade,
  key text not null,
  value text not null,
  primary key (model_id, key)
);
create table experiments.logged_model_params (
  model_id text not null references experiments.logged_models (id) on delete cascade,
  key text not null,
  value text not null,
  primary key (model_id, key)
);
create table experiments.logged_model_metrics (
  model_id text not null references experiments.logged_models (id) on delete cascade,
  run_id text not null,
  key text not null,
  value double precision not null,
  timestamp bigint not null,
  step bigint not null,
  dataset_name text,
  dataset_digest text
);
create index logged_model_metrics_by_model on experiments.logged_model_metrics (model_id, key, step);
create table experiments.datasets (
  id text primary key,
  experiment_id bigint not null references experiments.experiments (id) on delete cascade,
  name text not null,
  digest text not null,
  source_type text not null,
  source text not null,
  schema text,
  profile text,
  unique (experiment_id, name, digest)
);
create table experiments.run_inputs (
  run_id text not null references experiments.runs (id) on delete cascade,
  dataset_id text not null references experiments.datasets (id) on delete cascade,
  tags jsonb not null default '[]',
  position bigint generated always as identity,
  primary key (run_id, dataset_id)
);
create table experiments.run_model_io (
  run_id text not null references experiments.runs (id) on delete cascade,
  model_id text not null references experiments.logged_models (id) on delete cascade,
  direction text not null,
  step bigint not null default 0,
  position bigint generated always as identity,
  primary key (run_id, model_id, direction)
);
create table experiments.traces (
  id text primary key,
  project_id text not null,
  experiment_id bigint not null references experiments.experiments (id) on delete cascade,
  client_request_id text,
  request_time bigint not null,
  execution_duration bigint,
  state text not null,
  request_preview text,
  response_preview text,
  metadata jsonb not null default '{}',
  tags jsonb not null default '{}',
  spans_in_store boolean not null default false
);
create index traces_by_experiment on experiments.traces (experiment_id, request_time desc, id);
create table experiments.spans (
  trace_id text not null references experiments.traces (id) on delete cascade,
  span_id text not null,
  parent_span_id text,
  name text not null,
  start_time_ns bigint not null,
  end_time_ns bigint,
  status_code text not null,
  content jsonb not null,
  primary key (trace_id, span_id)
);
create table experiments.assessments (
  id text primary key,
  trace_id text not null references experiments.traces (id) on delete cascade,
  content jsonb not null,
  creation_time bigint not null,
  last_update_time bigint not null
);
`,
  },
  {
    name: '0005_model_version_model_id',
    up: `alter table experiments.model_versions add column model_id text;`,
  },
];
