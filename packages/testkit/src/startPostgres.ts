import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface PostgresServer extends AsyncDisposable {
  url: string;
  port: number;
  version: string;
  /** Stops the server but keeps its data, so `start()` brings the same database back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root; under root the server runs as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function chownTree(dir: string, uid: number, gid: number) {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) chownTree(file, uid, gid);
    else chownSync(file, uid, gid);
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const scratch = scratchDir('pg');
  const user = serverUser();
  if (user) chownTree(scratch.dir, user.uid, user.gid);
  const dataDir = path.join(scratch.dir, 'data');
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    {
      stdio: 'pipe',
      ...(user ?? {}),
    },
  );
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const proc = new EngineProcess({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      scratch.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    ...(user ?? {}),
  });
  const start = async () => {
    proc.start();
    await waitFor(
      'postgres',
      async () => {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          await client.query('select 1');
          return true;
        } finally {
          await client.end().catch(() => {});
        }
      },
      { isAlive: proc.exitReason },
    );
  };
  await start();
  const version = execFileSync(path.join(bin, 'postgres'), ['--version']).toString().trim();
  const destroy = async () => {
    await proc.stop('SIGINT');
    scratch.remove();
  };
  return {
    url,
    port,
    version,
    stop: () => proc.stop('SIGINT'),
    start,
    destroy,
    [Symbol.asyncDispose]: destroy,
  };
}
