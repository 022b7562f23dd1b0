import { createHash } from 'node:crypto';
import { badUserInput, conflict } from '@jarvis/errors';

export interface IdempotencyStamp {
  key: string;
  /** sha256 of the request, so a key reused for a different request is told apart. */
  requestHash: string;
}

/** JSON with object keys sorted, so the same request hashes the same however it was written. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * A create that a retry (or a second request racing it) cannot do twice. `create` inserts with
 * the stamp, its unique (project, key) index ignoring a repeat (answering undefined); then the
 * row the key made is the answer, if it was made by the same request, else CONFLICT.
 */
export async function createOnce<T>(
  key: string | null | undefined,
  request: unknown,
  create: (stamp: IdempotencyStamp | undefined) => Promise<T | undefined>,
  existing: (key: string) => Promise<{ record: T; requestHash: string | null } | undefined>,
): Promise<T> {
  if (key === null || key === undefined) {
    const made = await create(undefined);
    if (!made) throw new Error('a create without an idempotency key made nothing');
    return made;
  }
  if (key.length < 1 || key.length > 200)
    throw badUserInput('idempotencyKey must be 1-200 characters', { argument: 'idempotencyKey' });
  const requestHash = createHash('sha256').update(canonical(request)).digest('hex');
  const made = await create({ key, requestHash });
  if (made) return made;
  const found = await existing(key);
  if (!found)
    throw conflict(`idempotencyKey ${JSON.stringify(key)} is being used by a request in progress; try again`);
  if (found.requestHash !== requestHash)
    throw conflict(`idempotencyKey ${JSON.stringify(key)} was used for a different request`, {
      argument: 'idempotencyKey',
    });
  return found.record;
}
