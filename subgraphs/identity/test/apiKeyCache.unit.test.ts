import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from '../src/apiKeyCache.ts';
import type { ApiKeyRecord } from '../src/records.ts';

const key = (revokedAt: Date | null = null): ApiKeyRecord => ({
  id: 'k1',
  projectId: 'p',
  userId: null,
  serviceAccountId: 'sa-1',
  name: 'k',
  hash: 'h',
  role: 'viewer',
  scopes: null,
  expiresAt: null,
  createdAt: new Date(),
  lastUsedAt: null,
  revokedAt,
});

describe('ApiKeyCache', () => {
  it('reads a key once while it is fresh, and again after it is forgotten', async () => {
    const cache = new ApiKeyCache();
    let reads = 0;
    const load = async () => {
      reads++;
      return key();
    };
    await cache.get('k1', load);
    await cache.get('k1', load);
    expect(reads).toBe(1);
    cache.forget('k1');
    await cache.get('k1', load);
    expect(reads).toBe(2);
  });

  it('keeps nothing a read started before a revocation returned, and never caches a revoked key', async () => {
    const cache = new ApiKeyCache();
    let release: (k: ApiKeyRecord) => void = () => {};
    const slow = cache.get('k1', () => new Promise<ApiKeyRecord>((r) => (release = r)));
    cache.forget('k1'); // revoked while the read was under way
    release(key());
    await slow;
    let reads = 0;
    const revoked = await cache.get('k1', async () => {
      reads++;
      return key(new Date());
    });
    expect(reads).toBe(1);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    await cache.get('k1', async () => {
      reads++;
      return key(new Date());
    });
    expect(reads).toBe(2);
  });

  it('says a key’s use is due for recording at most once a minute', () => {
    const cache = new ApiKeyCache();
    expect(cache.touchDue('k1')).toBe(true);
    expect(cache.touchDue('k1')).toBe(false);
    expect(cache.touchDue('k2')).toBe(true);
  });
});
