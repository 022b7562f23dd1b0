import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { missingOnDrive, rootNotRemovable } from './driveErrors.ts';
import { drivePath, joinPath, splitPath } from './drivePath.ts';
import type { DriveEntry, DriveProvider } from './driveProvider.ts';
import { mimeTypeOf } from './mimeTypeOf.ts';
import { searchByName } from './searchByName.ts';

/** Names a cut write leaves behind while it runs; never listed, cleaned by the next write. */
const PARTIAL = '.jarvis-partial-';

/**
 * A folder Jarvis can read: a mounted share, a synced folder, and how iCloud Drive is used
 * honestly (Apple offers no API; its folder on a Mac is ~/Library/Mobile Documents/
 * com~apple~CloudDocs). `root` must already be checked against the operator's allowed roots.
 * Paths never leave the root, symlinks included.
 */
export function localFolderProvider(root: string, label = 'the local folder'): DriveProvider {
  const base = path.resolve(root);
  // The root's real path, resolved once: every path checked against it needs it.
  let realBase: Promise<string> | undefined;

  /** The real location of a drive path, refusing one that a symlink leads out of the root. */
  async function locate(input: string, mustExist = true): Promise<string> {
    const at = path.join(base, drivePath(input));
    let real: string;
    try {
      real = await realpath(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (mustExist) throw missingOnDrive(label, drivePath(input));
      // Not there yet: its nearest existing folder must be inside the root.
      const { parent } = splitPath(drivePath(input));
      if (drivePath(input) !== '') await locate(parent, false);
      return at;
    }
    realBase ??= realpath(base);
    const inside = await realBase;
    if (real !== inside && !real.startsWith(inside + path.sep))
      throw new JarvisError(
        ErrorCode.FORBIDDEN,
        `${JSON.stringify(input)} leads out of ${label} (a link to elsewhere)`,
        {
          path: input,
        },
      );
    return real;
  }

  const entry = (drivePathOf: string, stats: Stats): DriveEntry => {
    const name = drivePathOf === '' ? '' : splitPath(drivePathOf).name;
    const folder = stats.isDirectory();
    return {
      path: drivePathOf,
      name,
      folder,
      size: folder ? 0 : stats.size,
      modifiedAt: stats.mtime,
      mimeType: folder ? 'inode/directory' : mimeTypeOf(name),
      version: folder ? '' : `${stats.size}-${Math.round(stats.mtimeMs)}`,
      providerId: drivePathOf,
    };
  };

  async function walk(folder: string, recursive: boolean, into: DriveEntry[]) {
    const dir = await locate(folder);
    const names = (await readdir(dir)).filter((n) => !n.includes(PARTIAL)).sort();
    const entries: DriveEntry[] = [];
    for (const name of names) {
      const stats = await stat(path.join(dir, name)).catch(() => undefined); // gone meanwhile, or a broken link
      if (stats && (stats.isDirectory() || stats.isFile()))
        entries.push(entry(joinPath(folder, name), stats));
    }
    entries.sort((a, b) => Number(b.folder) - Number(a.folder) || (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      into.push(e);
      if (recursive && e.folder) await walk(e.path, true, into);
    }
  }

  return {
    kind: 'LOCAL',
    async check() {
      const stats = await stat(base).catch(() => undefined);
      if (!stats?.isDirectory()) throw missingOnDrive(label, '');
    },
    async list(folder, options = {}) {
      const at = drivePath(folder, 'folder');
      const stats = await stat(await locate(at));
      if (!stats.isDirectory()) throw missingOnDrive(label, at);
      const out: DriveEntry[] = [];
      await walk(at, options.recursive === true, out);
      return out;
    },
    async stat(input) {
      const at = drivePath(input);
      try {
        const stats = await stat(await locate(at));
        return stats.isFile() || stats.isDirectory() ? entry(at, stats) : undefined;
      } catch (error) {
        if (error instanceof JarvisError && error.code === ErrorCode.NOT_FOUND) return undefined;
        throw error;
      }
    },
    async read(input, options = {}) {
      const at = drivePath(input);
      const file = await locate(at);
      if (!(await stat(file)).isFile()) throw missingOnDrive(label, at);
      return createReadStream(file, { start: options.start ?? 0 });
    },
    async write(input, body, size) {
      const at = drivePath(input);
      if (at === '') throw missingOnDrive(label, at);
      const { parent, name } = splitPath(at);
      const dir = await locate(parent, false);
      await mkdir(dir, { recursive: true });
      const partial = path.join(dir, `.${name}${PARTIAL}${randomUUID()}`);
      try {
        let written = 0;
        await pipeline(
          body,
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              written += chunk.length;
              yield chunk;
            }
          },
          createWriteStream(partial, { flags: 'wx' }),
        );
        if (written !== size)
          throw new JarvisError(
            ErrorCode.BAD_USER_INPUT,
            `${written} bytes arrived for ${at}, ${size} were announced; nothing was written`,
            {
              path: at,
            },
          );
        await rename(partial, path.join(dir, name));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return entry(at, await stat(path.join(dir, name)));
    },
    async mkdir(input) {
      const at = drivePath(input);
      const dir = await locate(at, false);
      await mkdir(dir, { recursive: true });
      return entry(at, await stat(dir));
    },
    search(query, limit) {
      return searchByName((folder, options) => this.list(folder, options), query, limit);
    },
    async remove(input) {
      const at = drivePath(input);
      if (at === '') throw rootNotRemovable(label);
      const target = path.join(base, at);
      // lstat: a link is removed itself, never what it points to.
      if (!(await lstat(target).catch(() => undefined))) return;
      await locate(splitPath(at).parent);
      await rm(target, { recursive: true, force: true });
    },
  };
}
