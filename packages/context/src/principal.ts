/** Who is calling. Identity (issue: auth) will produce these from JWTs and API keys. */
export interface Principal {
  kind: 'user' | 'service' | 'anonymous';
  userId: string;
  /** The project this request acts in; every user-owned row carries one. */
  projectId: string;
  roles: string[];
}

/** `jarvis dev` has no login: every request is the local user in the default project. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  kind: 'user',
  userId: 'local',
  projectId: 'default',
  roles: ['admin'],
}) as Principal;
