import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  type Dialect,
  type Kysely,
  Kysely as KyselyClass,
  PGliteDialect,
  PostgresDialect,
  sql,
} from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import { pgliteTemplate, savePgliteTemplate } from './pgliteTemplate.ts';
import { refusedInputDialect } from './refusedInputDialect.ts';
import type { SqlMigration } from './sqlMigration.ts';

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Untyped root handle, for what spans schemas (backups, migrations). A store uses `tables`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each subgraph supplies its own table types.
  readonly kysely: Kysely<any>;
  /**
   * One schema's tables, typed by the `DB` that `npm run codegen` generates from its migrations
   * (`src/generated/tables.ts`): the only place the untyped handle meets table types.
   */
  tables<DB>(schema: string): Kysely<DB>;
  /** Applies the pending migrations of one subgraph's schema; returns the names applied. */
  migrate(schema: string, migrations: SqlMigration[]): Promise<string[]>;
  /** Statements run since the database was opened: what batching saves is counted here. */
  statements(): number;
  /** Round-trip time of `select 1`, in milliseconds; throws when the database does not answer. */
  ping(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `pglite`, `pglite:memory` or `postgres://…` (see the `database.url` config key). */
  url: string;
  /** Folder for PGlite's data when url is `pglite`. */
  home: string;
  poolSize?: number;
  onError?: (error: Error) => void;
}

/** Shared buffers of the embedded database; see createDatabase. */
const PGLITE_SHARED_BUFFERS = '32MB';

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url.startsWith('postgres')) return createPostgres(options);
  const memory = options.url === 'pglite:memory';
  const dataDir = memory ? undefined : path.join(options.home, 'pgdata');
  const { fresh, template } = pgliteTemplate(dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
    // PostgreSQL's 128 MB of shared buffers live inside PGlite's WebAssembly memory, which never
    // shrinks: an idle `jarvis dev` held ~490 MB resident. 32 MB fits in the memory PGlite
    // starts with (~400 MB resident); its files still sit in the OS page cache behind it.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
  });
  // The first new database on a machine leaves its fresh cluster for the next ones.
  if (fresh && !template) await savePgliteTemplate(pglite);
  // Kysely's PGlite dialect runs transactions in PGlite's exclusive mode, so other statements
  // wait instead of interleaving with them on the single connection; destroy() closes PGlite.
  return wrap('pglite', new PGliteDialect({ pglite }));
}

function createPostgres(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    // PGlite hands int8 back as a number; make the server do the same so stores see one shape.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's socket dies when the server restarts; without a listener that is fatal.
  pool.on('error', (error) => options.onError?.(error));
  // The pool listens only while a client is idle. A checked-out client (a transaction between
  // statements) that loses its server emits 'error' too; its next query fails and the pool
  // discards it on release, so the event itself needs only a listener, not a second report.
  pool.on('connect', (client) => client.on('error', () => {}));
  return wrap('postgres', new PostgresDialect({ pool }));
}

function wrap(kind: Database['kind'], dialect: Dialect): Database {
  let statements = 0;
  // biome-ignore lint/suspicious/noExplicitAny: see Database.kysely.
  const kysely = new KyselyClass<any>({
    dialect: refusedInputDialect(dialect),
    log: () => {
      statements++;
    },
  });
  return {
    kind,
    kysely,
    tables: <DB>(schema: string) => kysely.withSchema(schema) as Kysely<DB>,
    statements: () => statements,
    async migrate(schema, migrations) {
      const byName: Record<string, Migration> = {};
      for (const m of migrations) {
        byName[m.name] = {
          up: async (db) => {
            for (const statement of splitStatements(m.up)) await sql.raw(statement).execute(db);
          },
        };
      }
      const migrator = new Migrator({
        db: kysely,
        migrationTableSchema: schema,
        provider: { getMigrations: async () => byName },
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error');
        throw new Error(
          `migration ${schema}/${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping(timeoutMs = 2_000) {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          sql`select 1`.execute(kysely),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      return performance.now() - started;
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** Statements end with `;` at the end of a line (PGlite's extended protocol takes one at a time). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}
