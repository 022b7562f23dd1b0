import { type RawBuilder, sql } from 'kysely';

/** A JSON value, as kysely-codegen types a `json`/`jsonb` column. */
export type JsonValue =
  | boolean
  | number
  | string
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/**
 * A jsonb parameter, sent as text and cast by PostgreSQL: PGlite and pg then store exactly the
 * JSON given (pg would turn a bare array into a PostgreSQL array). `undefined` is SQL null.
 */
export function jsonb(value: unknown): RawBuilder<JsonValue> {
  return sql<JsonValue>`cast(${value === undefined ? null : JSON.stringify(value)} as jsonb)`;
}
