import type { Principal, Role } from '@jarvis/context';

/**
 * What a field or route needs: `public` (anyone, no credentials), `authenticated` (any caller
 * with valid credentials), or `<area>:<action>` in the caller's project, e.g. `storage:read`.
 */
export type Requirement = string;

export const ACTIONS = ['read', 'log', 'launch', 'write', 'admin', 'owner'] as const;
export type Action = (typeof ACTIONS)[number];
export const AREAS = [
  'identity',
  'platform',
  'storage',
  'experiments',
  'workflows',
  'analytics',
  'notifications',
  'drives',
] as const;

/** The actions each role grants in its project, in every area. */
const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  viewer: ['read'],
  launcher: ['read', 'log', 'launch'],
  editor: ['read', 'log', 'launch', 'write'],
  admin: ['read', 'log', 'launch', 'write', 'admin'],
  owner: ACTIONS,
};

/** A scope's action and every action it includes: `write` covers reading and logging too, `log` and `launch` reading. */
function covers(granted: string, wanted: Action): boolean {
  if (granted === '*' || granted === wanted) return true;
  if (granted === 'log' || granted === 'launch') return wanted === 'read';
  if (granted === 'write') return wanted === 'read' || wanted === 'log' || wanted === 'launch';
  if (granted === 'admin') return wanted !== 'owner';
  return false;
}

const SCOPE = /^(\*|[a-z]+):(\*|[a-z]+)$/;

/** Whether a scope string is one a key may be narrowed to (`storage:read`, `*:read`, `experiments:*`). */
export function isScope(value: string): boolean {
  const match = SCOPE.exec(value);
  if (!match) return false;
  const [, area, action] = match;
  return (
    (area === '*' || (AREAS as readonly string[]).includes(area!)) &&
    (action === '*' || (ACTIONS as readonly string[]).includes(action!))
  );
}

export type Decision = 'allowed' | 'unauthenticated' | 'forbidden';

/** The router itself, asking a subgraph's internal routes (identity's) behind `jarvis serve`. */
export const ROUTER_PRINCIPAL: Principal = Object.freeze({
  kind: 'service',
  userId: 'jarvis-router',
  projectId: 'default',
  roles: [],
}) as Principal;

/** Whether this caller may do what `requirement` names, in the project it acts in. */
export function decide(principal: Principal, requirement: Requirement): Decision {
  // `signed`: the URL's own signature decides (the route checks it); credentials neither help nor are needed.
  if (requirement === 'public' || requirement === 'signed') return 'allowed';
  if (principal.kind === 'anonymous') return 'unauthenticated';
  if (requirement === 'authenticated') return 'allowed';
  // Only the router's own signed identity; no caller's credentials can name it.
  if (requirement === 'internal')
    return principal.kind === 'service' && principal.userId === ROUTER_PRINCIPAL.userId
      ? 'allowed'
      : 'forbidden';
  const [area, action] = requirement.split(':') as [string, Action];
  const byRole = principal.roles.some((role) => ROLE_ACTIONS[role]?.some((a) => a === action));
  if (!byRole) return 'forbidden';
  if (!principal.scopes) return 'allowed';
  const byScope = principal.scopes.some((scope) => {
    const [a, x] = scope.split(':');
    return (a === '*' || a === area) && covers(x ?? '', action);
  });
  return byScope ? 'allowed' : 'forbidden';
}

/** Whether a role may hand out another (an admin cannot mint an owner). */
export function roleCovers(held: readonly Role[], wanted: Role): boolean {
  const rank = (r: Role) => ['viewer', 'launcher', 'editor', 'admin', 'owner'].indexOf(r);
  return held.some((r) => rank(r) >= rank(wanted));
}
