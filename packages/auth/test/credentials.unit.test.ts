import { describe, expect, it } from 'vitest';
import {
  apiKeyId,
  apiKeyMatches,
  credentialsOf,
  hashApiKey,
  newApiKey,
  signPrincipal,
  verifyPrincipal,
} from '../src/index.ts';

describe('API keys', () => {
  it('look like jv_<id>_<secret>, hash to what is stored, and match only themselves', () => {
    const key = newApiKey();
    expect(key.secret).toMatch(/^jv_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyId(key.secret)).toBe(key.id);
    expect(key.hash).toBe(hashApiKey(key.secret));
    expect(key.hash).not.toContain(key.secret.slice(16));
    expect(apiKeyMatches(key.secret, key.hash)).toBe(true);
    expect(apiKeyMatches(`${key.secret.slice(0, -1)}x`, key.hash)).toBe(false);
    expect(apiKeyMatches(key.secret, 'not-hex')).toBe(false);
    expect(newApiKey().secret).not.toBe(key.secret);
    expect(apiKeyId('jv_short')).toBeUndefined();
  });
});

describe('credentialsOf', () => {
  const of = (headers: Record<string, string>) => credentialsOf(new Headers(headers));
  it('reads Bearer keys and tokens, Basic with the key as password, and x-api-key', () => {
    expect(of({ authorization: 'Bearer jv_abc' })).toEqual({ kind: 'apiKey', secret: 'jv_abc' });
    expect(of({ authorization: 'bearer eyJ.x.y' })).toEqual({ kind: 'token', token: 'eyJ.x.y' });
    const basic = Buffer.from('anyone:jv_from_password').toString('base64');
    expect(of({ authorization: `Basic ${basic}` })).toEqual({ kind: 'apiKey', secret: 'jv_from_password' });
    expect(of({ 'x-api-key': 'jv_header' })).toEqual({ kind: 'apiKey', secret: 'jv_header' });
    expect(of({})).toEqual({ kind: 'none' });
  });
});

describe('the router’s signed principal', () => {
  it('verifies with the same secret only', async () => {
    const principal = { kind: 'user' as const, userId: 'u', projectId: 'p', roles: ['viewer' as const] };
    const token = await signPrincipal(principal, 's'.repeat(32));
    expect(await verifyPrincipal(token, 's'.repeat(32))).toEqual(principal);
    await expect(verifyPrincipal(token, 't'.repeat(32))).rejects.toThrow();
    await expect(verifyPrincipal(`${token}x`, 's'.repeat(32))).rejects.toThrow();
  });
});
