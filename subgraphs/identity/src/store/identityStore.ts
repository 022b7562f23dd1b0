import type { Role } from '@jarvis/context';
import type {
  ApiKeyRecord,
  MembershipRecord,
  ProjectRecord,
  ServiceAccountRecord,
  UserRecord,
} from '../records.ts';

/** A key as created: what the store sets itself (times of creation, use, revocation) left out. */
export type NewApiKeyRow = Omit<ApiKeyRecord, 'createdAt' | 'lastUsedAt' | 'revokedAt'> & {
  createdBy: string;
};

/** Users, projects, memberships, service accounts and API keys. */
export interface IdentityStore {
  user(id: string): Promise<UserRecord | undefined>;
  users(ids: readonly string[]): Promise<UserRecord[]>;
  /** The user an OpenID provider names, created on first sign-in; profile fields refreshed. */
  signIn(claims: {
    issuer: string;
    subject: string;
    email: string | null;
    name: string | null;
  }): Promise<UserRecord>;
  /** A user named by id only (keys, the CLI), created if missing. */
  ensureUser(id: string, owner?: boolean): Promise<UserRecord>;

  project(id: string): Promise<ProjectRecord | undefined>;
  projects(ids?: readonly string[]): Promise<ProjectRecord[]>;
  /** Creates a project; false when the id is taken. */
  createProject(project: { id: string; name: string; createdBy: string }): Promise<boolean>;

  membership(projectId: string, userId: string): Promise<MembershipRecord | undefined>;
  membershipsOfUser(userId: string): Promise<MembershipRecord[]>;
  members(projectId: string): Promise<MembershipRecord[]>;
  setMember(
    projectId: string,
    userId: string,
    role: Role,
    source: 'admin' | 'oidc',
  ): Promise<MembershipRecord>;
  /** Makes the provider's groups the user's OIDC-granted memberships (admin-granted ones stay). */
  syncOidcMemberships(userId: string, grants: { projectId: string; role: Role }[]): Promise<void>;
  removeMember(projectId: string, userId: string): Promise<boolean>;

  serviceAccount(projectId: string, id: string): Promise<ServiceAccountRecord | undefined>;
  serviceAccounts(projectId: string): Promise<ServiceAccountRecord[]>;
  /** Creates one; undefined when the name is taken in the project. */
  createServiceAccount(account: {
    id: string;
    projectId: string;
    name: string;
    description: string | null;
    createdBy: string;
  }): Promise<ServiceAccountRecord | undefined>;

  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  apiKeys(projectId: string, includeRevoked: boolean): Promise<ApiKeyRecord[]>;
  createApiKey(key: NewApiKeyRow): Promise<ApiKeyRecord>;
  /** Revokes once: the first call sets revokedAt, later ones keep it. */
  revokeApiKey(projectId: string, id: string): Promise<ApiKeyRecord | undefined>;
  /** Stamps lastUsedAt, at most once a minute per key (a write per request would cost more than the request). */
  touchApiKey(id: string): Promise<void>;
}
