import { badUserInput } from '@jarvis/errors';

/** MLflow caps one search page at 50,000 runs. */
export const MAX_SEARCH_RESULTS = 50_000;

export function checkMaxResults(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEARCH_RESULTS) {
    throw badUserInput(`maxResults must be 1 to ${MAX_SEARCH_RESULTS}, got ${n}`, { argument: 'maxResults' });
  }
  return n;
}

export const encodePageToken = (offset: number) =>
  Buffer.from(JSON.stringify({ offset })).toString('base64url');

export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset: unknown };
    if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {}
  throw badUserInput('pageToken is not one this API returned', { argument: 'pageToken' });
}
