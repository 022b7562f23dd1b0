import { badUserInput } from '@jarvis/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** Opaque cursors: base64url of a JSON key, so clients cannot depend on their shape. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | null | undefined): T | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    throw badUserInput(`"after" is not a cursor this API returned: ${JSON.stringify(cursor)}`, {
      argument: 'after',
    });
  }
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, { argument: 'first' });
  }
  return first;
}

/**
 * Builds a connection from a keyset page fetched with `limit + 1` rows: the extra row only
 * tells whether there is a next page.
 */
export function toConnection<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => unknown,
  totalCount: number,
  hasPreviousPage: boolean,
): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/**
 * A connection over a list already read whole (a project's rules, channels, dashboards: tens of
 * rows, ordered): the cursor is the position after an item.
 */
export function listConnection<T>(
  items: T[],
  first: number | null | undefined,
  after: string | null | undefined,
): Connection<T> {
  const limit = pageSize(first);
  const from = after === null || after === undefined ? 0 : decodeCursor<{ at: number }>(after)?.at;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0)
    throw badUserInput(`"after" is not a cursor this API returned: ${JSON.stringify(after)}`, {
      argument: 'after',
    });
  const page = items.slice(from, from + limit);
  const edges = page.map((node, i) => ({ cursor: encodeCursor({ at: from + i + 1 }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: from + limit < items.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
