import type { SelectQueryBuilder } from 'kysely';
import { type Connection, decodeCursor, pageSize, toConnection } from './connection.ts';

/**
 * One page of a growing history (alerts, notifications), newest first: keyset on
 * (`timeColumn` desc, id asc), so a page is an index walk however long the history, and rows
 * added meanwhile never shift the next page. `query` is the filtered selection; the count is of it.
 */
export async function newestFirstPage<Row, T>(
  // biome-ignore lint/suspicious/noExplicitAny: any table with an id and a time column.
  query: SelectQueryBuilder<any, any, Row>,
  timeColumn: string,
  args: { first?: number | null; after?: string | null },
  toRecord: (row: Row) => T,
): Promise<Connection<T>> {
  const limit = pageSize(args.first);
  const after = decodeCursor<{ at: string; id: string }>(args.after);
  const { n } = (await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()) as unknown as { n: string };
  let page = query;
  if (after)
    page = page.where((eb) =>
      eb.or([
        eb(timeColumn, '<', new Date(after.at)),
        eb.and([eb(timeColumn, '=', new Date(after.at)), eb('id', '>', after.id)]),
      ]),
    );
  const rows = (await page
    .orderBy(timeColumn, 'desc')
    .orderBy('id', 'asc')
    .limit(limit + 1)
    .execute()) as Row[];
  const connection = toConnection(
    rows,
    limit,
    (row) => {
      const r = row as Record<string, unknown>;
      return { at: r[timeColumn] as Date, id: r.id as string };
    },
    Number(n),
    Boolean(after),
  );
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toRecord(e.node) })),
  };
}
