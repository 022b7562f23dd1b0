/** A versioned migration: plain PostgreSQL both PGlite (PG 18) and a PG 15 server accept. */
export interface SqlMigration {
  /** Sorted lexically, applied once, in order: `0001_settings`, `0002_...`. */
  name: string;
  /** Statements, each ending with `;` at the end of its line. */
  up: string;
}
