import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** The installed PGlite's version (its package.json is not an export, so found beside its entry). */
function pgliteVersion() {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the freshly initialised cluster of this PGlite version is kept (JARVIS_CACHE overrides). */
const templatePath = () =>
  path.join(
    process.env.JARVIS_CACHE ?? path.join(os.homedir(), '.cache', 'jarvis'),
    `pglite-${pgliteVersion()}-initdb.tar.gz`,
  );

/**
 * A new PGlite database runs initdb, which takes seconds; loading the tarball of a fresh cluster
 * takes a fraction of that. `fresh`: the data folder is new; `template`: this machine has one.
 */
export function pgliteTemplate(dataDir: string | undefined): { fresh: boolean; template?: Blob } {
  if (dataDir && existsSync(dataDir) && readdirSync(dataDir).length > 0) return { fresh: false };
  try {
    return { fresh: true, template: new Blob([readFileSync(templatePath())]) };
  } catch {
    return { fresh: true };
  }
}

/** Keeps the cluster a fresh PGlite just initialised, for the next new database (best effort). */
export async function savePgliteTemplate(pglite: PGlite) {
  try {
    const file = templatePath();
    if (existsSync(file)) return;
    const dump = await pglite.dumpDataDir('gzip');
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    // Renamed into place whole, so a concurrent reader never sees half a tarball.
    renameSync(partial, file);
  } catch {
    // Without the template the next database runs initdb, as before.
  }
}
