import type { SqlMigration } from '@jarvis/db';

export const identityMigrations: SqlMigration[] = [
  {
    name: '0001_identity',
    up: `
create table identity.users (
  id text primary key,
  -- issuer + subject of an OpenID Connect user; null for users only ever named by keys
  issuer text,
  subject text,
  email text,
  name text,
  owner boolean not null default false,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz,
  unique (issuer, subject)
);
create table identity.projects (
  id text primary key,
  name text not null,
  created_by text,
  created_at timestamptz not null default now()
);
insert into identity.projects (id, name) values ('default', 'Default');
create table identity.memberships (
  id text primary key,
  project_id text not null references identity.projects (id),
  user_id text not null references identity.users (id),
  role text not null,
  -- granted by the OpenID provider's groups (re-read at each sign-in) or by an admin
  source text not null default 'admin',
  created_at timestamptz not null default now(),
  unique (project_id, user_id)
);
create table identity.service_accounts (
  id text primary key,
  project_id text not null references identity.projects (id),
  name text not null,
  description text,
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (project_id, name)
);
create table identity.api_keys (
  id text primary key,
  project_id text not null references identity.projects (id),
  user_id text references identity.users (id),
  service_account_id text references identity.service_accounts (id),
  name text not null,
  hash text not null,
  role text not null,
  scopes jsonb,
  expires_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  check ((user_id is null) <> (service_account_id is null))
);
create index api_keys_project on identity.api_keys (project_id, created_at desc);
`,
  },
];
