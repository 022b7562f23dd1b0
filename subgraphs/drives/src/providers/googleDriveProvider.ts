import type { Readable } from 'node:stream';
import { drive_v3 } from '@googleapis/drive';
import { badUserInput, ErrorCode, JarvisError } from '@jarvis/errors';
import { missingOnDrive, providerError, retryAfterMs, rootNotRemovable } from './driveErrors.ts';
import { drivePath, joinPath, splitPath } from './drivePath.ts';
import type { DriveEntry, DriveProvider } from './driveProvider.ts';
import { isGoogleNative } from './googleDocsExport.ts';
import { mimeTypeOf } from './mimeTypeOf.ts';
import { skipBytes } from './skipBytes.ts';
import { type ChunkSession, uploadInChunks } from './uploadInChunks.ts';

export interface GoogleDriveOptions {
  /** A current OAuth access token (the drive's token keeper refreshes it before it expires). */
  accessToken: () => Promise<string>;
  /** Google's API origin; a test points it at a fake. */
  rootUrl?: string;
}

const FOLDER = 'application/vnd.google-apps.folder';
const FIELDS = 'id,name,mimeType,size,modifiedTime,md5Checksum,parents';
/** Resumable chunks must be multiples of 256 KiB; one chunk at a time is held, for a resend. */
const CHUNK = 32 * 256 * 1024;

type File = drive_v3.Schema$File;

/**
 * Google Drive (v3) through `@googleapis/drive`, in paths: each segment is looked up by name
 * under its parent. Uploads use the resumable protocol, sent here because the Node client only
 * does multipart: chunks PUT to the session, and after a cut the session says how much it has
 * and the rest follows. A file exists only once its last chunk is in, so a cut upload leaves
 * nothing. Drive allows two files of one name in a folder; two writes racing to create one
 * settle on a single survivor.
 */
export function googleDriveProvider(options: GoogleDriveOptions, label = 'Google Drive'): DriveProvider {
  const root = (options.rootUrl ?? 'https://www.googleapis.com/').replace(/\/?$/, '/');
  // No retries inside the client: a rate limit comes out with its Retry-After, for the caller
  // (a transfer, a sync run) to wait as long as Google asks, not a client's fixed backoff.
  const api = new drive_v3.Drive({ rootUrl: root, retry: false });
  const headers = async () => ({ authorization: `Bearer ${await options.accessToken()}` });

  function failed(error: unknown, at?: string): JarvisError {
    if (error instanceof JarvisError) return error;
    const e = error as {
      status?: number;
      response?: { status?: number; headers?: unknown; data?: unknown };
      message?: string;
      code?: string;
    };
    const status = e.status ?? e.response?.status;
    const header = (name: string) => {
      const h = e.response?.headers as
        | ({ get?: (n: string) => string | null } & Record<string, string>)
        | undefined;
      return h?.get ? h.get(name) : h?.[name];
    };
    const reason = (e.response?.data as { error?: { errors?: { reason?: string }[] } } | undefined)?.error
      ?.errors?.[0]?.reason;
    return providerError(
      label,
      reason === 'storageQuotaExceeded' ? 507 : status,
      reason ?? e.code ?? e.message ?? 'error',
      {
        ...(at !== undefined ? { path: at } : {}),
        ...(status === 429 ? { retryAfterMs: retryAfterMs(header('retry-after')) ?? 0 } : {}),
      },
    );
  }

  /**
   * A refusal to a request sent by hand (the resumable protocol), in the shape `failed` reads from
   * the client's errors: its status, Google's reason (storageQuotaExceeded, rateLimitExceeded)
   * and its headers (Retry-After).
   */
  async function answered(response: Response) {
    const text = await response.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    return {
      status: response.status,
      message: text.slice(0, 200),
      response: { status: response.status, headers: response.headers, data },
    };
  }

  const quoted = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

  async function children(parentId: string, name?: string): Promise<File[]> {
    const out: File[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await api.files.list(
        {
          q: `${quoted(parentId)} in parents and trashed = false${name !== undefined ? ` and name = ${quoted(name)}` : ''}`,
          fields: `nextPageToken,files(${FIELDS})`,
          pageSize: 1000,
          ...(pageToken ? { pageToken } : {}),
        },
        { headers: await headers() },
      );
      out.push(...(data.files ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    // Drive allows two entries of one name: the oldest id wins, the same for every caller.
    return out.sort((a, b) => (a.id! < b.id! ? -1 : 1));
  }

  const entry = (f: File, at: string): DriveEntry => {
    const folder = f.mimeType === FOLDER;
    return {
      path: at,
      name: at === '' ? '' : splitPath(at).name,
      folder,
      size: folder ? 0 : Number(f.size ?? 0),
      modifiedAt: new Date(f.modifiedTime ?? 0),
      mimeType: f.mimeType ?? 'application/octet-stream',
      version: folder ? '' : (f.md5Checksum ?? f.modifiedTime ?? ''),
      providerId: f.id!,
    };
  };

  /** The file at a path, segment by segment from the root. */
  async function resolve(at: string): Promise<File | undefined> {
    let current: File = { id: 'root', mimeType: FOLDER, name: '' };
    for (const segment of at ? at.split('/') : []) {
      if (current.mimeType !== FOLDER) return undefined;
      const found = (await children(current.id!, segment))[0];
      if (!found) return undefined;
      current = found;
    }
    return current;
  }

  async function located(at: string): Promise<File | undefined> {
    try {
      return await resolve(at);
    } catch (error) {
      throw failed(error, at);
    }
  }

  async function mkdirs(at: string): Promise<File> {
    let current: File = { id: 'root', mimeType: FOLDER, name: '' };
    for (const [i, segment] of (at ? at.split('/') : []).entries()) {
      const here = at
        .split('/')
        .slice(0, i + 1)
        .join('/');
      const found = (await children(current.id!, segment))[0];
      if (found && found.mimeType !== FOLDER)
        throw new JarvisError(ErrorCode.CONFLICT, `${label} has a file at ${JSON.stringify(here)}`, {
          path: here,
        });
      current =
        found ??
        (
          await api.files.create(
            { requestBody: { name: segment, mimeType: FOLDER, parents: [current.id!] }, fields: FIELDS },
            { headers: await headers() },
          )
        ).data;
    }
    return current;
  }

  /** Drive's resumable session as uploadInChunks drives it. */
  const chunkSession = (session: string, size: number, at: string): ChunkSession => ({
    put: async (bytes, from, last) =>
      fetch(session, {
        method: 'PUT',
        headers: {
          ...(await headers()),
          'content-range': `bytes ${from}-${from + bytes.length - 1}/${last ? size : '*'}`,
        },
        body: new Uint8Array(bytes),
      }),
    async received() {
      const status = await fetch(session, {
        method: 'PUT',
        headers: { ...(await headers()), 'content-range': `bytes */${size}` },
      });
      if (status.status === 200 || status.status === 201) return status;
      return Number(/bytes=0-(\d+)/.exec(status.headers.get('range') ?? '')?.[1] ?? -1) + 1;
    },
    partial: [308],
    refused: async (response) => failed(await answered(response), at),
    broken: (detail, cause) => failed(cause ?? { status: 409, message: detail }, at),
  });

  return {
    kind: 'GOOGLE_DRIVE',
    async check() {
      try {
        await api.files.get({ fileId: 'root', fields: 'id' }, { headers: await headers() });
      } catch (error) {
        throw failed(error);
      }
    },
    async list(folder, listOptions = {}) {
      const at = drivePath(folder, 'folder');
      const self = await located(at);
      if (self?.mimeType !== FOLDER) throw missingOnDrive(label, at);
      const out: DriveEntry[] = [];
      const walk = async (id: string, path: string) => {
        const kids = (await children(id)).map((f) => entry(f, joinPath(path, f.name!)));
        // One entry per name (the oldest id), folders first, each by name.
        const unique = kids.filter(
          (e, i) => kids.findIndex((k) => k.name === e.name && k.folder === e.folder) === i,
        );
        unique.sort((a, b) => Number(b.folder) - Number(a.folder) || (a.name < b.name ? -1 : 1));
        for (const e of unique) {
          out.push(e);
          if (listOptions.recursive && e.folder) await walk(e.providerId, e.path);
        }
      };
      try {
        await walk(self.id!, at);
      } catch (error) {
        throw failed(error, at);
      }
      return out;
    },
    async stat(input) {
      const at = drivePath(input);
      const found = await located(at);
      return found ? entry(found, at) : undefined;
    },
    async read(input, readOptions = {}) {
      const at = drivePath(input);
      const found = await located(at);
      if (!found || found.mimeType === FOLDER) throw missingOnDrive(label, at);
      try {
        if (isGoogleNative(found.mimeType ?? '')) {
          // files.export has no Range: a resumed read starts over and drops what was had.
          if (!readOptions.as)
            throw badUserInput(`${at} is a Google document: say which format to export it as`, { path: at });
          const exported = await api.files.export(
            { fileId: found.id!, mimeType: readOptions.as },
            { responseType: 'stream', headers: await headers() },
          );
          const body = exported.data as unknown as Readable;
          if (!readOptions.start) return body;
          const rest = skipBytes(readOptions.start);
          body.on('error', (error) => rest.destroy(failed(error, at)));
          return body.pipe(rest);
        }
        const response = await api.files.get(
          { fileId: found.id!, alt: 'media' },
          {
            responseType: 'stream',
            headers: {
              ...(await headers()),
              ...(readOptions.start ? { range: `bytes=${readOptions.start}-` } : {}),
            },
          },
        );
        return response.data as unknown as Readable;
      } catch (error) {
        throw failed(error, at);
      }
    },
    async write(input, body, size, writeOptions = {}) {
      const at = drivePath(input);
      if (at === '') throw missingOnDrive(label, at);
      const { parent, name } = splitPath(at);
      try {
        const folder = await mkdirs(parent);
        const existing = (await children(folder.id!, name)).find((f) => f.mimeType !== FOLDER);
        const start = await fetch(
          existing
            ? `${root}upload/drive/v3/files/${encodeURIComponent(existing.id!)}?uploadType=resumable&fields=${FIELDS}`
            : `${root}upload/drive/v3/files?uploadType=resumable&fields=${FIELDS}`,
          {
            method: existing ? 'PATCH' : 'POST',
            headers: {
              ...(await headers()),
              'content-type': 'application/json; charset=UTF-8',
              'x-upload-content-length': String(size),
              'x-upload-content-type': writeOptions.mimeType ?? mimeTypeOf(name),
            },
            body: JSON.stringify(
              existing
                ? {}
                : { name, parents: [folder.id], mimeType: writeOptions.mimeType ?? mimeTypeOf(name) },
            ),
          },
        );
        const session = start.headers.get('location');
        if (!start.ok || !session) throw failed(await answered(start), at);
        const file = (await (
          await uploadInChunks(chunkSession(session, size, at), body, size, CHUNK, at)
        ).json()) as File;
        // Two writes that each created the file: the oldest id stays, the others go.
        const same = (await children(folder.id!, name)).filter((f) => f.mimeType !== FOLDER);
        for (const extra of same.slice(1))
          await api.files.delete({ fileId: extra.id! }, { headers: await headers() }).catch(() => {});
        return entry(same[0]?.id === file.id || !same[0] ? file : same[0], at);
      } catch (error) {
        body.destroy();
        throw failed(error, at);
      }
    },
    async mkdir(input) {
      const at = drivePath(input);
      try {
        return entry(await mkdirs(at), at);
      } catch (error) {
        throw failed(error, at);
      }
    },
    async changes(cursor) {
      try {
        if (cursor === null) {
          const { data } = await api.changes.getStartPageToken({}, { headers: await headers() });
          return { cursor: data.startPageToken!, changed: true };
        }
        let pageToken = cursor;
        let changed = false;
        for (;;) {
          const { data } = await api.changes.list(
            { pageToken, pageSize: 1000, fields: 'nextPageToken,newStartPageToken,changes(fileId,removed)' },
            { headers: await headers() },
          );
          if (data.changes?.length) changed = true;
          if (data.newStartPageToken) return { cursor: data.newStartPageToken, changed };
          if (!data.nextPageToken) return { cursor, changed: true };
          pageToken = data.nextPageToken;
        }
      } catch (error) {
        // A page token Drive no longer takes: start again, and compare by listing this time.
        const status = (error as { status?: number; response?: { status?: number } }).response?.status;
        if (cursor !== null && status === 400) return this.changes!(null);
        throw failed(error);
      }
    },
    async search(query, limit) {
      try {
        const { data } = await api.files.list(
          {
            q: `fullText contains ${quoted(query)} and trashed = false and mimeType != '${FOLDER}'`,
            fields: `files(${FIELDS})`,
            pageSize: Math.min(limit, 100),
          },
          { headers: await headers() },
        );
        // Drive answers ids; a path is its parents' names up to the root (looked up once each).
        const root = (await api.files.get({ fileId: 'root', fields: 'id' }, { headers: await headers() }))
          .data.id;
        const names = new Map<string, { name: string; parent?: string }>();
        const pathOf = async (file: File): Promise<string | undefined> => {
          const segments = [file.name!];
          let parent = file.parents?.[0];
          for (let depth = 0; parent && parent !== root; depth++) {
            if (depth > 64) return undefined;
            let known = names.get(parent);
            if (!known) {
              const { data: p } = await api.files.get(
                { fileId: parent, fields: 'id,name,parents' },
                { headers: await headers() },
              );
              known = { name: p.name!, ...(p.parents?.[0] ? { parent: p.parents[0] } : {}) };
              names.set(parent, known);
            }
            segments.unshift(known.name);
            parent = known.parent;
          }
          // Not under My Drive (shared with the user, say): no path to give.
          return parent === root ? segments.join('/') : undefined;
        };
        const found: DriveEntry[] = [];
        for (const file of data.files ?? []) {
          const at = await pathOf(file);
          if (at) found.push(entry(file, at));
        }
        return found;
      } catch (error) {
        throw failed(error);
      }
    },
    async share(input, shareOptions) {
      const at = drivePath(input);
      const found = await located(at);
      if (!found) throw missingOnDrive(label, at);
      try {
        // Each address is told by Google; "anyone" makes the link work without signing in.
        for (const email of shareOptions.emails)
          await api.permissions.create(
            {
              fileId: found.id!,
              sendNotificationEmail: true,
              requestBody: { type: 'user', role: 'writer', emailAddress: email },
            },
            { headers: await headers() },
          );
        if (shareOptions.anyoneWithLink)
          await api.permissions.create(
            { fileId: found.id!, requestBody: { type: 'anyone', role: 'reader' } },
            { headers: await headers() },
          );
        const { data } = await api.files.get(
          { fileId: found.id!, fields: 'webViewLink' },
          { headers: await headers() },
        );
        if (!data.webViewLink) throw new Error('Drive gave no webViewLink');
        return { url: data.webViewLink };
      } catch (error) {
        throw failed(error, at);
      }
    },
    async remove(input) {
      const at = drivePath(input);
      if (at === '') throw rootNotRemovable(label);
      const found = await located(at);
      if (!found) return;
      try {
        await api.files.delete({ fileId: found.id! }, { headers: await headers() });
      } catch (error) {
        const e = failed(error, at);
        if (e.code !== ErrorCode.NOT_FOUND) throw e;
      }
    },
  };
}
