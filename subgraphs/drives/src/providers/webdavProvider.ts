import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { createClient, type FileStat, type WebDAVClientError } from 'webdav';
import { missingOnDrive, providerError, retryAfterMs, rootNotRemovable } from './driveErrors.ts';
import { drivePath, splitPath } from './drivePath.ts';
import type { DriveEntry, DriveProvider } from './driveProvider.ts';
import { mimeTypeOf } from './mimeTypeOf.ts';
import { searchByName } from './searchByName.ts';

export interface WebdavOptions {
  /** The share's root, e.g. Nextcloud's https://cloud.example.com/remote.php/dav/files/alice/. */
  url: string;
  username: string;
  password: string;
}

const PARTIAL = '.jarvis-partial-';

/**
 * Any WebDAV server (Nextcloud, ownCloud, Box, Apache mod_dav, WsgiDAV) through the `webdav`
 * client. A write goes to a hidden temporary name and is MOVEd into place, so a cut upload
 * leaves no half-written file; versions are the server's ETags (its modification time and size
 * where it sends none).
 */
export function webdavProvider(
  options: WebdavOptions,
  label = `WebDAV at ${new URL(options.url).host}`,
): DriveProvider {
  const client = createClient(options.url, { username: options.username, password: options.password });
  const remote = (at: string) => `/${at}`;

  function failed(error: unknown, at?: string): JarvisError {
    if (error instanceof JarvisError) return error;
    const e = error as WebDAVClientError & { code?: string };
    const status = e.status ?? e.response?.status;
    if (status === undefined)
      return providerError(label, undefined, e.code ?? e.message, at !== undefined ? { path: at } : {});
    return providerError(label, status, `${status} ${e.response?.statusText ?? ''}`.trim(), {
      ...(at !== undefined ? { path: at } : {}),
      ...(status === 429 ? { retryAfterMs: retryAfterMs(e.response?.headers.get('retry-after')) ?? 0 } : {}),
    });
  }

  const entry = (s: FileStat, at: string): DriveEntry => {
    const folder = s.type === 'directory';
    const modifiedAt = new Date(s.lastmod);
    return {
      path: at,
      name: at === '' ? '' : splitPath(at).name,
      folder,
      size: folder ? 0 : s.size,
      modifiedAt,
      mimeType: folder ? 'inode/directory' : s.mime || mimeTypeOf(s.basename),
      version: folder
        ? ''
        : (s.etag?.replace(/^W\//, '').replaceAll('"', '') ?? `${s.size}-${modifiedAt.getTime()}`),
      providerId: at,
    };
  };

  /** The drive path of a listed entry (the client decodes hrefs and takes off the share's base path). */
  const relative = (s: FileStat) => drivePath(s.filename);

  async function statOf(at: string): Promise<DriveEntry | undefined> {
    try {
      return entry((await client.stat(remote(at))) as FileStat, at);
    } catch (error) {
      const e = failed(error, at);
      if (e.code === ErrorCode.NOT_FOUND) return undefined;
      throw e;
    }
  }

  // Folders this provider made or found: a transfer writing many files into one folder asks once
  // (each ask is a PROPFIND per segment and a MKCOL).
  const folders = new Set<string>();
  async function mkdirs(at: string) {
    if (at === '' || folders.has(at)) return;
    try {
      await client.createDirectory(remote(at), { recursive: true });
    } catch (error) {
      // It may exist already (405), or a concurrent write just made it (servers answer that
      // race with anything from 405 to 500): what counts is that it is there now.
      if (!(await statOf(at))?.folder) throw failed(error, at);
    }
    folders.add(at);
  }

  return {
    kind: 'WEBDAV',
    async check() {
      try {
        await client.stat('/');
      } catch (error) {
        throw failed(error);
      }
    },
    async list(folder, listOptions = {}) {
      const at = drivePath(folder, 'folder');
      const self = await statOf(at);
      if (!self?.folder) throw missingOnDrive(label, at);
      let listed: FileStat[];
      try {
        listed = (await client.getDirectoryContents(remote(at), {
          deep: listOptions.recursive === true,
        })) as FileStat[];
      } catch (error) {
        throw failed(error, at);
      }
      const entries = listed
        .map((s) => entry(s, relative(s)))
        .filter((e) => e.path !== at && !e.name.includes(PARTIAL));
      // Folders first then files, each by name, and a folder's content right after it.
      const order = (e: DriveEntry) =>
        e.path
          .split('/')
          .map((segment, i, all) => `${i === all.length - 1 && !e.folder ? '1' : '0'}${segment}`)
          .join('\u0000');
      return entries.sort((a, b) => (order(a) < order(b) ? -1 : 1));
    },
    stat: (input) => statOf(drivePath(input)),
    async read(input, readOptions = {}) {
      const at = drivePath(input);
      const found = await statOf(at);
      if (!found || found.folder) throw missingOnDrive(label, at);
      // Not the client's createReadStream: it pipe()s the body into a PassThrough, and pipe drops
      // the body's errors, so a cut connection would leave the reader waiting forever.
      const start = readOptions.start ?? 0;
      let response: Awaited<ReturnType<typeof client.customRequest>>;
      try {
        response = await client.customRequest(remote(at), {
          method: 'GET',
          headers: start ? { Range: `bytes=${start}-` } : {},
        });
      } catch (error) {
        throw failed(error, at);
      }
      if (start && response.status !== 206)
        throw failed(
          { status: 502, message: `the server ignored a Range request (HTTP ${response.status})` },
          at,
        );
      const body = (response as unknown as { body: unknown }).body;
      if (!body) return Readable.from([]);
      const source = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream);
      const out = new PassThrough();
      source.on('error', (error) => out.destroy(failed(error, at)));
      return source.pipe(out);
    },
    async write(input, body, size) {
      const at = drivePath(input);
      if (at === '') throw missingOnDrive(label, at);
      const { parent, name } = splitPath(at);
      await mkdirs(parent);
      const partial = `${parent ? `${parent}/` : ''}.${name}${PARTIAL}${randomUUID()}`;
      try {
        await client.putFileContents(remote(partial), body, { overwrite: true, contentLength: size });
        const sent = await statOf(partial);
        if (sent?.size !== size)
          throw new JarvisError(
            ErrorCode.BAD_USER_INPUT,
            `${sent?.size ?? 0} bytes arrived for ${at}, ${size} were announced; nothing was written`,
            { path: at },
          );
        await client.moveFile(remote(partial), remote(at), { overwrite: true });
      } catch (error) {
        await client.deleteFile(remote(partial)).catch(() => {});
        throw failed(error, at);
      }
      // A concurrent write's MOVE replaces the file as delete-then-move on many servers (WsgiDAV,
      // Apache): for a moment there is nothing at the path. Ours is in; wait out theirs.
      for (let attempt = 0; ; attempt++) {
        const written = await statOf(at);
        if (written) return written;
        if (attempt === 20) throw missingOnDrive(label, at);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async mkdir(input) {
      const at = drivePath(input);
      await mkdirs(at);
      const made = await statOf(at);
      if (!made?.folder)
        throw new JarvisError(ErrorCode.CONFLICT, `${label} has a file at ${JSON.stringify(at)}`, {
          path: at,
        });
      return made;
    },
    search(query, limit) {
      return searchByName((folder, options) => this.list(folder, options), query, limit);
    },
    async remove(input) {
      const at = drivePath(input);
      if (at === '') throw rootNotRemovable(label);
      for (const folder of folders) if (folder === at || folder.startsWith(`${at}/`)) folders.delete(folder);
      try {
        await client.deleteFile(remote(at));
      } catch (error) {
        const e = failed(error, at);
        if (e.code !== ErrorCode.NOT_FOUND) throw e;
      }
    },
  };
}
