import { badUserInput } from '@jarvis/errors';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { beforeCommitHook } from './beforeCommit.ts';

/**
 * SQLSTATEs with which PostgreSQL refuses a value it was given, rather than failing itself:
 * the caller sent something no column can hold (a NUL byte, an id that is not a UUID, a number
 * past bigint, a key too long for its index). Class 22 is "data exception"; 54000 is a row or
 * index entry past PostgreSQL's limits.
 */
const REFUSED_INPUT = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22021', // character_not_in_repertoire (NUL, invalid UTF-8)
  '22P02', // invalid_text_representation (uuid, integer, json)
  '22P05', // untranslatable_character (\u0000 in jsonb)
  '2201B', // invalid_regular_expression
  '22025', // invalid_escape_sequence
  '54000', // program_limit_exceeded (index row size)
]);

/** The PostgreSQL error as a client error when the value, not the server, was at fault. */
export function refusedInput(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !REFUSED_INPUT.has(code)) return error;
  const message = (error as Error).message.split('\n')[0];
  return Object.assign(
    badUserInput(`a value in the request cannot be stored: ${message}`, { sqlState: code }),
    {
      cause: error,
    },
  );
}

function connection(inner: DatabaseConnection): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      try {
        return await inner.executeQuery<R>(query);
      } catch (error) {
        throw refusedInput(error);
      }
    },
    async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
      try {
        yield* inner.streamQuery<R>(query, chunkSize as number);
      } catch (error) {
        throw refusedInput(error);
      }
    },
  };
}

/**
 * A dialect whose queries answer a refused value with BAD_USER_INPUT instead of an internal
 * error, on PGlite and on a PostgreSQL server alike: every store, every door (GraphQL, the
 * MLflow API, the worker API) gets it without checking each field for each database rule.
 */
export function refusedInputDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver(): Driver {
      const driver = dialect.createDriver();
      const inners = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const inner = (c: DatabaseConnection) => inners.get(c) ?? c;
      return {
        init: () => driver.init(),
        async acquireConnection() {
          const c = await driver.acquireConnection();
          const w = connection(c);
          inners.set(w, c);
          return w;
        },
        beginTransaction: (c: DatabaseConnection, settings: TransactionSettings) =>
          driver.beginTransaction(inner(c), settings),
        async commitTransaction(c: DatabaseConnection) {
          // Whatever must commit with this transaction's change (its audit entry) goes in last.
          const hook = beforeCommitHook();
          if (hook) await hook((query) => c.executeQuery(query));
          return driver.commitTransaction(inner(c));
        },
        rollbackTransaction: (c: DatabaseConnection) => driver.rollbackTransaction(inner(c)),
        releaseConnection: (c: DatabaseConnection) => driver.releaseConnection(inner(c)),
        destroy: () => driver.destroy(),
        ...(driver.savepoint
          ? { savepoint: (c, name, compile) => driver.savepoint!(inner(c), name, compile) }
          : {}),
        ...(driver.rollbackToSavepoint
          ? {
              rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(inner(c), name, compile),
            }
          : {}),
        ...(driver.releaseSavepoint
          ? { releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(inner(c), name, compile) }
          : {}),
      } satisfies Driver;
    },
  };
}
