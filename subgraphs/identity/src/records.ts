// The domain records of the identity subgraph (what its store returns and resolvers receive).
import type { Role } from '@jarvis/context';

export interface UserRecord {
  id: string;
  issuer: string | null;
  subject: string | null;
  email: string | null;
  name: string | null;
  owner: boolean;
  createdAt: Date;
  lastSeenAt: Date | null;
}

export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface MembershipRecord {
  id: string;
  projectId: string;
  userId: string;
  role: Role;
  source: 'admin' | 'oidc';
  createdAt: Date;
}

export interface ServiceAccountRecord {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  userId: string | null;
  serviceAccountId: string | null;
  name: string;
  hash: string;
  role: Role;
  scopes: string[] | null;
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who the caller is, as `me` answers it. */
export interface MeRecord {
  kind: 'USER' | 'SERVICE_ACCOUNT';
  userId: string | null;
  serviceAccountId: string | null;
  projectId: string;
  roles: Role[];
  scopes: string[] | null;
  apiKeyId: string | null;
}
