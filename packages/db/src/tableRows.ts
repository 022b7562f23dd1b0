import { type QueryExecutorProvider, sql } from 'kysely';

const IDENT = /^[a-z_][a-z0-9_]*$/;

function qualified(schema: string, table: string) {
  if (!IDENT.test(schema) || !IDENT.test(table))
    throw new Error(`not a plain identifier: ${schema}.${table}`);
  return sql.raw(`"${schema}"."${table}"`);
}

/**
 * Every row of a table as JSON text (`to_json`), for backups: PostgreSQL itself says how each
 * type (jsonb, arrays, timestamps) is written, and `importRows` reads it back the same way.
 */
export async function exportRows(
  db: QueryExecutorProvider,
  schema: string,
  table: string,
): Promise<string[]> {
  const { rows } = await sql<{
    row: string;
  }>`select to_json(t)::text as row from ${qualified(schema, table)} t`.execute(db);
  return rows.map((r) => r.row);
}

/** Inserts rows written by exportRows (generated identity values included). */
export async function importRows(
  db: QueryExecutorProvider,
  schema: string,
  table: string,
  rows: string[],
): Promise<void> {
  const target = qualified(schema, table);
  for (let i = 0; i < rows.length; i += 500) {
    const batch = `[${rows.slice(i, i + 500).join(',')}]`;
    await sql`insert into ${target} overriding system value
      select * from json_populate_recordset(null::${target}, cast(${batch} as json))`.execute(db);
  }
  // Identity columns carry on after the highest restored value, not from 1.
  const { rows: identities } = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = ${schema} and table_name = ${table} and is_identity = 'YES'`.execute(db);
  for (const { column_name } of identities) {
    if (!IDENT.test(column_name)) continue;
    const column = sql.raw(`"${column_name}"`);
    await sql`select setval(pg_get_serial_sequence(${`${schema}.${table}`}, ${column_name}),
      greatest((select max(${column}) from ${target}), 1))`.execute(db);
  }
}
