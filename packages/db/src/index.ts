export { type BeforeCommit, type RunInTransaction, withBeforeCommit } from './beforeCommit.ts';
export { createDatabase, type Database, type DatabaseOptions } from './createDatabase.ts';
export { type JsonValue, jsonb } from './jsonb.ts';
export type { SqlMigration } from './sqlMigration.ts';
export { exportRows, importRows } from './tableRows.ts';
