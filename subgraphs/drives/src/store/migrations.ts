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
];
