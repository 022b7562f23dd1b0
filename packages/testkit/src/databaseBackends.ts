import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '@jarvis/db';
import { sql } from 'kysely';
import { type PostgresServer, startPostgres } from './startPostgres.ts';

export interface Backend {
  name: string;
  open(): Promise<Database>;
  close(): Promise<void>;
}

/**
 * The two SQL engines every store runs on: PGlite (PostgreSQL 18 in-process, on disk as in
 * `jarvis dev`) and a real PostgreSQL server (Debian's, 15). Store suites run against both.
 */
export function databaseBackends(): Backend[] {
  let server: PostgresServer | undefined;
  let dir: string | undefined;
  let n = 0;
  return [
    {
      name: 'PGlite',
      async open() {
        dir ??= mkdtempSync(path.join(os.tmpdir(), 'jarvis-pglite-'));
        return createDatabase({ url: 'pglite', home: path.join(dir, String(n++)) });
      },
      async close() {
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    },
    {
      name: 'PostgreSQL server',
      async open() {
        server ??= await startPostgres();
        // A fresh database per open, so suites do not see each other's rows.
        const admin = await createDatabase({ url: server.url, home: '' });
        const name = `t${n++}_${process.pid}`;
        await sql.raw(`create database ${name}`).execute(admin.kysely);
        await admin.close();
        return createDatabase({ url: server.url.replace(/\/postgres$/, `/${name}`), home: '' });
      },
      async close() {
        await server?.destroy();
      },
    },
  ];
}
