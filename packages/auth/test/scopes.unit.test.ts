import type { Principal } from '@jarvis/context';
import { describe, expect, it } from 'vitest';
import { decide, isScope, ROUTER_PRINCIPAL, roleCovers } from '../src/index.ts';

const caller = (roles: Principal['roles'], scopes?: string[]): Principal => ({
  kind: 'service',
  userId: 'sa-1',
  projectId: 'p',
  roles,
  ...(scopes ? { scopes } : {}),
});

describe('decide', () => {
  it('lets each role do what it says, and no more', () => {
    const table = (['viewer', 'launcher', 'editor', 'admin', 'owner'] as const).map((role) =>
      [
        'storage:read',
        'experiments:log',
        'workflows:launch',
        'storage:write',
        'identity:admin',
        'platform:owner',
      ].map((r) => decide(caller([role]), r) === 'allowed'),
    );
    expect(table).toEqual([
      [true, false, false, false, false, false],
      [true, true, true, false, false, false],
      [true, true, true, true, false, false],
      [true, true, true, true, true, false],
      [true, true, true, true, true, true],
    ]);
  });

  it('narrows a key to its scopes within its role, write and admin covering less', () => {
    const key = caller(['editor'], ['storage:write', 'experiments:log']);
    expect(decide(key, 'storage:read')).toBe('allowed');
    expect(decide(key, 'storage:write')).toBe('allowed');
    expect(decide(key, 'experiments:read')).toBe('allowed');
    expect(decide(key, 'experiments:write')).toBe('forbidden');
    expect(decide(key, 'workflows:read')).toBe('forbidden');
    // A scope never lifts a key above its role.
    expect(decide(caller(['viewer'], ['*:*']), 'storage:write')).toBe('forbidden');
    expect(decide(caller(['admin'], ['*:read']), 'notifications:read')).toBe('allowed');
  });

  it('keeps public, authenticated and internal apart', () => {
    const anonymous: Principal = { kind: 'anonymous', userId: 'anonymous', projectId: 'p', roles: [] };
    expect(decide(anonymous, 'public')).toBe('allowed');
    expect(decide(anonymous, 'authenticated')).toBe('unauthenticated');
    expect(decide(anonymous, 'storage:read')).toBe('unauthenticated');
    expect(decide(caller([]), 'authenticated')).toBe('allowed');
    expect(decide(caller(['owner']), 'internal')).toBe('forbidden');
    expect(decide({ ...caller([]), userId: 'jarvis-router', kind: 'user' }, 'internal')).toBe('forbidden');
    expect(decide(ROUTER_PRINCIPAL, 'internal')).toBe('allowed');
  });

  it('knows a scope when it sees one, and which roles may be handed out', () => {
    expect(['storage:read', '*:read', 'experiments:*', '*:*'].every(isScope)).toBe(true);
    expect(['storage', 'storage:fly', 'moon:read', 'storage:read ', ''].some(isScope)).toBe(false);
    expect(roleCovers(['admin'], 'editor')).toBe(true);
    expect(roleCovers(['editor'], 'admin')).toBe(false);
  });
});
