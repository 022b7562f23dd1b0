import { createRuntime, SUBGRAPHS } from '@jarvis/app';
import { isScope } from '@jarvis/auth';
import { createLogger, type Role } from '@jarvis/context';
import type { IdentityService } from '@jarvis/subgraph-identity';
import { startupConfig } from '../startupConfig.ts';

const ROLES: Role[] = ['viewer', 'launcher', 'editor', 'admin'];

/** The identity service on the configured metadata database: what an operator bootstraps with. */
async function withIdentity<T>(
  configFile: string | undefined,
  work: (identity: IdentityService) => Promise<T>,
): Promise<T> {
  const { config } = startupConfig(configFile);
  const runtime = await createRuntime(config, { logger: createLogger({ level: 'warn', name: 'jarvis' }) });
  const module = SUBGRAPHS.find((s) => s.name === 'identity')!.create(runtime);
  try {
    await module.start();
    return await work(module.service as IdentityService);
  } finally {
    await module.stop();
    await runtime.close();
  }
}

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

export async function keysCreate(options: {
  config?: string;
  name: string;
  role: string;
  project: string;
  scopes?: string;
  expiresInDays?: string;
  user?: string;
  owner?: boolean;
}) {
  const role = options.role.toLowerCase() as Role;
  if (!ROLES.includes(role)) fail(`--role is one of ${ROLES.join(', ')}`);
  const scopes = options.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes?.filter((s) => !isScope(s)) ?? [];
  if (bad.length) fail(`not scopes: ${bad.join(', ')} (a scope is <area>:<action>, e.g. storage:read)`);
  const days = options.expiresInDays === undefined ? undefined : Number(options.expiresInDays);
  if (days !== undefined && !(days > 0)) fail('--expires-in-days is a positive number');
  if (options.owner && !options.user) fail('--owner makes a user a platform owner: give --user too');
  const { apiKey, secret } = await withIdentity(options.config, (identity) =>
    identity.issueKey({
      projectId: options.project,
      name: options.name,
      role,
      ...(scopes?.length ? { scopes } : {}),
      ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000) } : {}),
      ...(options.user ? { user: { id: options.user, owner: options.owner ?? false } } : {}),
    }),
  ).catch((error: Error) => fail(error.message));
  console.error(
    `created API key ${apiKey.id} (${role}${scopes?.length ? `, scopes ${scopes.join(',')}` : ''}) in project ${options.project}` +
      `${apiKey.expiresAt ? `, expires ${apiKey.expiresAt.toISOString()}` : ''}.\nIt is shown once; store it now (e.g. JARVIS_API_KEY):`,
  );
  console.log(secret);
}

export async function keysList(options: { config?: string; project: string }) {
  const keys = await withIdentity(options.config, (identity) => identity.listKeys(options.project));
  for (const key of keys)
    console.log(
      [
        key.id,
        key.name,
        key.role,
        key.scopes?.join(',') ?? '-',
        key.serviceAccountId ? `service:${key.serviceAccountId}` : `user:${key.userId}`,
        key.revokedAt
          ? `revoked ${key.revokedAt.toISOString()}`
          : key.expiresAt
            ? `expires ${key.expiresAt.toISOString()}`
            : 'active',
        key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : 'never used',
      ].join('\t'),
    );
  if (!keys.length) console.error(`no keys in project ${options.project}`);
}

export async function keysRevoke(id: string, options: { config?: string }) {
  const key = await withIdentity(options.config, (identity) => identity.revokeKey(id)).catch((error: Error) =>
    fail(error.message),
  );
  console.error(
    `revoked ${key.id} (${key.name}) at ${key.revokedAt!.toISOString()}; its next request is refused`,
  );
}

export async function projectsCreate(id: string, options: { config?: string; name?: string }) {
  const project = await withIdentity(options.config, (identity) =>
    identity.createProjectAsOperator(id, options.name),
  ).catch((error: Error) => fail(error.message));
  console.error(
    `created project ${project.id} (${project.name}); \`jarvis keys create --project ${project.id} …\` gives it a key`,
  );
}
