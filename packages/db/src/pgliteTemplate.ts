import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
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
 * A new PGlite database runs initdb, which takes seconds; starting from the tarball of a fresh
 * cluster takes a fraction of that. `fresh`: the data folder is new; `template`: this machine
 * has one, for PGlite to load (an in-memory database). A new data folder on disk gets the
 * template's files written into it here instead (`fresh`, no `template`): PGlite then opens it
 * as any existing one, rather than unpacking the tarball inside its WebAssembly memory, which
 * never shrinks (a fresh home held ~150 MB more for as long as it ran).
 */
export function pgliteTemplate(dataDir: string | undefined): { fresh: boolean; template?: Blob } {
  if (dataDir && existsSync(dataDir) && readdirSync(dataDir).length > 0) return { fresh: false };
  let tarball: Buffer<ArrayBuffer>;
  try {
    tarball = readFileSync(templatePath());
  } catch {
    return { fresh: true };
  }
  if (!dataDir) return { fresh: true, template: new Blob([tarball]) };
  // Unpacked beside it and renamed into place whole: a start cut short leaves no half cluster.
  const partial = `${dataDir}.${process.pid}.partial`;
  try {
    extractTarGz(tarball, partial);
    // Only an empty folder is removed (rmdir refuses any other) and renaming onto a folder
    // another start just filled fails: two starts on one home never delete each other's cluster.
    if (existsSync(dataDir)) rmdirSync(dataDir);
    mkdirSync(path.dirname(dataDir), { recursive: true });
    renameSync(partial, dataDir);
    return { fresh: false };
  } catch {
    // A damaged template: PGlite runs initdb in the empty folder, as without one.
    rmSync(partial, { recursive: true, force: true });
    return { fresh: true };
  }
}

/** Writes a gzipped ustar archive (directories and regular files, as PGlite dumps) under `dir`. */
function extractTarGz(tarball: Buffer, dir: string) {
  const tar = gunzipSync(tarball);
  const root = path.resolve(dir);
  const text = (header: Buffer, start: number, length: number) =>
    header
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const prefix = text(header, 345, 155);
    const name = `${prefix ? `${prefix}/` : ''}${text(header, 0, 100)}`;
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const target = path.resolve(root, name.replace(/^\/+/, ''));
    if (Number.isNaN(size) || (target !== root && !target.startsWith(`${root}${path.sep}`)))
      throw new Error(`not a PGlite template entry: ${name}`);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(offset + 512, offset + 512 + size));
    } else throw new Error(`unexpected entry type ${JSON.stringify(type)} in the PGlite template`);
    offset += 512 + Math.ceil(size / 512) * 512;
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
