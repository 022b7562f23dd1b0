import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every key starts so: secret scanners (GitHub's, gitleaks) can be taught to find leaked ones. */
export const API_KEY_PREFIX = 'jv_';

const KEY = /^jv_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** Public: names the key in lists, audit entries and `jarvis keys revoke`. */
  id: string;
  /** Shown once, never stored. */
  secret: string;
  /** What is stored: sha256 of the secret. */
  hash: string;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newApiKey(): NewApiKey {
  const id = [...randomBytes(12)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, secret, hash: hashApiKey(secret) };
}

export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** The key's id when `secret` has a key's shape; undefined for anything else (a JWT, garbage). */
export function apiKeyId(secret: string): string | undefined {
  return KEY.exec(secret)?.[1];
}

export const looksLikeApiKey = (value: string) => value.startsWith(API_KEY_PREFIX);

/** Compares the presented key with the stored hash in constant time. */
export function apiKeyMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
