import type { ApiKeyRecord } from './records.ts';

/** How long a key's row is trusted without reading it again; a revocation clears it at once. */
const TTL_MS = 5_000;
/** `lastUsedAt` is written at most this often per key (a write per request would cost more than the request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * The API keys this process checked lately, so a machine's requests cost no database read for
 * authentication. Revocations clear their key here (this process's at once, the others' through
 * pubsub), so a revoked key is refused on its next request; expiry is checked on every request.
 */
export class ApiKeyCache {
  private readonly keys = new Map<string, { key: ApiKeyRecord; at: number }>();
  private readonly touched = new Map<string, number>();
  private readonly forgotten = new Map<string, number>();

  async get(
    id: string,
    load: (id: string) => Promise<ApiKeyRecord | undefined>,
  ): Promise<ApiKeyRecord | undefined> {
    const cached = this.keys.get(id);
    if (cached && Date.now() - cached.at < TTL_MS) return cached.key;
    const started = Date.now();
    const key = await load(id);
    // A revocation while this read was under way may not be in what it read: keep nothing.
    const stale = (this.forgotten.get(id) ?? 0) >= started;
    if (key && !key.revokedAt && !stale) {
      if (this.keys.size > 10_000) this.keys.clear();
      this.keys.set(id, { key, at: Date.now() });
    } else this.keys.delete(id);
    return key;
  }

  forget(id: string): void {
    this.keys.delete(id);
    if (this.forgotten.size > 10_000) this.forgotten.clear();
    this.forgotten.set(id, Date.now());
  }

  /** Whether it is time to record this key's use again. */
  touchDue(id: string): boolean {
    const last = this.touched.get(id) ?? 0;
    if (Date.now() - last < TOUCH_EVERY_MS) return false;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(id, Date.now());
    return true;
  }
}
