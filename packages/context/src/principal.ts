/** A role in one project, from least to most; `owner` is above projects (the platform's). */
export type Role = 'viewer' | 'launcher' | 'editor' | 'admin' | 'owner';

/** Who is calling, in which project, with which rights. Identity produces it per request. */
export interface Principal {
  kind: 'user' | 'service' | 'anonymous';
  /** The user's or service account's id; `anonymous` when no credentials came. */
  userId: string;
  /** The project this request acts in; every user-owned row carries one. */
  projectId: string;
  /** The caller's roles in `projectId` (at most one, plus `owner` for platform owners). */
  roles: Role[];
  /** An API key's narrowing: only these scopes (`storage:read`, `experiments:*`), within the role. */
  scopes?: string[];
  /** The API key this request came with, for the audit log and revocation. */
  keyId?: string;
}

/** `jarvis dev` (auth.mode local) has no login: every request is the local admin in the default project. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  kind: 'user',
  userId: 'local',
  projectId: 'default',
  roles: ['owner'],
}) as Principal;

/** A request without credentials: it may use only what is declared public. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  kind: 'anonymous',
  userId: 'anonymous',
  projectId: 'default',
  roles: [],
}) as Principal;
