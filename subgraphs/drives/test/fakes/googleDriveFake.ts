/**
 * A fake of the Google Drive API v3, faithful to its public reference
 * (https://developers.google.com/workspace/drive/api/reference/rest/v3 and "Upload file data",
 * https://developers.google.com/workspace/drive/api/guides/manage-uploads#resumable) for what
 * Jarvis uses: files.list with `q` (terms joined by `and`), paging and `fields`; files.get with
 * `alt=media` and Range; files.create, files.update (metadata, addParents/removeParents) and
 * files.delete; changes.getStartPageToken and changes.list (a change per create, update and
 * delete, paged, `newStartPageToken` on the last page); files.export of Google's own documents (403 fileNotDownloadable for alt=media on
 * them, 400 for an unsupported conversion); permissions.create (`type` user/group/domain/anyone, `role`, `emailAddress` for a
 * user or group); resumable upload sessions (`uploadType=resumable`, chunked PUTs answered 308
 * with the Range received, a status query with `bytes *\/total`); Google's error envelope; 401
 * for an unknown or expired token; 429 with Retry-After when told to.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OAuthEndpoints, oauthEndpoints } from './oauthEndpoints.ts';

export const FOLDER = 'application/vnd.google-apps.folder';

interface FakeFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  content: Buffer;
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  permissions: Permission[];
  /** A Google document's exports, by media type (files.export). */
  exports?: Record<string, Buffer>;
}

/** A permission resource (https://developers.google.com/workspace/drive/api/reference/rest/v3/permissions). */
interface Permission {
  kind: 'drive#permission';
  id: string;
  type: 'user' | 'group' | 'domain' | 'anyone';
  role: string;
  emailAddress?: string;
}

interface Session {
  fileId?: string;
  metadata: { name?: string; mimeType?: string; parents?: string[] };
  total: number;
  received: Buffer[];
  size: number;
}

export interface GoogleDriveFake extends AsyncDisposable {
  /** Pass as the client's rootUrl: https://www.googleapis.com/ stands here. */
  rootUrl: string;
  /** Google's sign-in (accounts.google.com, oauth2.googleapis.com) on this origin. */
  origin: string;
  oauth: OAuthEndpoints;
  issueToken(): string;
  expire(token: string): void;
  /** The next `times` calls answer 429 with Retry-After: seconds. */
  rateLimit(times: number, seconds: number): void;
  /** Resumable PUTs seen, for tests of resumption. */
  uploadRequests: number;
  /** The next chunk PUT keeps its first `bytes` (a multiple of 256 KiB), then the connection drops unanswered. */
  cutNextChunk(bytes: number): void;
  /** The permissions of the file or folder of this name (the first found). */
  permissionsOf(name: string): Permission[];
  /** Whether the account is out of storage: uploads answer 403 storageQuotaExceeded. */
  setQuotaExceeded(full: boolean): void;
  /** files.list calls so far (a sync run that trusts the change feed makes none). */
  listCalls(): number;
  /** A Google document (Docs, Sheets…) in the root, and what each export type of it answers. */
  addNativeDocument(name: string, mimeType: string, exports: Record<string, Buffer>): void;
  stop(): Promise<void>;
}

const now = () => new Date().toISOString();

function resource(f: FakeFile) {
  return {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    trashed: f.trashed,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    // Google's own documents have no bytes of their own: no size, no checksum (files.export them).
    ...(f.mimeType.startsWith('application/vnd.google-apps.')
      ? {}
      : {
          size: String(f.content.length),
          md5Checksum: createHash('md5').update(f.content).digest('hex'),
          version: String(f.content.length),
        }),
    webViewLink: `https://drive.google.com/file/d/${f.id}/view`,
  };
}

/** `fields=nextPageToken,files(id,name)` → which keys to keep, top level and per file. */
function pickFields(fields: string | null, value: Record<string, unknown>, list: boolean) {
  if (!fields) {
    const keep = ['kind', 'id', 'name', 'mimeType'];
    if (!list) return Object.fromEntries(Object.entries(value).filter(([k]) => keep.includes(k)));
    return {
      ...value,
      files: (value.files as Record<string, unknown>[]).map((f) =>
        Object.fromEntries(Object.entries(f).filter(([k]) => keep.includes(k))),
      ),
    };
  }
  if (fields === '*') return value;
  const inner = /files\(([^)]*)\)/.exec(fields)?.[1];
  const top = fields
    .replace(/files\([^)]*\)/, 'files')
    .split(',')
    .map((s) => s.trim());
  const only = (o: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k) || keys.includes('*')));
  if (!list) return only(value, top);
  const out = only(value, top);
  if (out.files && inner)
    out.files = (out.files as Record<string, unknown>[]).map((f) =>
      only(
        f,
        inner.split(',').map((s) => s.trim()),
      ),
    );
  return out;
}

/** Drive's query language, the part of it Jarvis sends: terms joined by `and`. */
function compileQuery(q: string, realId: (id: string) => string): (f: FakeFile) => boolean {
  const terms: ((f: FakeFile) => boolean)[] = [];
  const term =
    /\s*(?:'((?:[^'\\]|\\.)*)'\s+in\s+parents|(name|mimeType|fullText)\s*(=|!=|contains)\s*'((?:[^'\\]|\\.)*)'|trashed\s*=\s*(true|false))\s*(?:and\b|$)/y;
  const literal = (s: string) => s.replace(/\\(.)/g, '$1');
  let at = 0;
  while (at < q.length) {
    term.lastIndex = at;
    const m = term.exec(q);
    if (!m) throw new Error(`Invalid Value: q at ${at}`);
    at = term.lastIndex;
    if (m[1] !== undefined) {
      const parent = realId(literal(m[1]));
      terms.push((f) => f.parents.includes(parent));
    } else if (m[2]) {
      const [field, op, value] = [m[2], m[3], literal(m[4]!)];
      const read = (f: FakeFile) =>
        field === 'mimeType'
          ? f.mimeType
          : field === 'name'
            ? f.name
            : `${f.name} ${f.content.toString('utf8')}`;
      terms.push((f) =>
        op === '='
          ? read(f) === value
          : op === '!='
            ? read(f) !== value
            : read(f).toLowerCase().includes(value.toLowerCase()),
      );
    } else {
      const trashed = m[5] === 'true';
      terms.push((f) => f.trashed === trashed);
    }
  }
  return (f) => terms.every((t) => t(f));
}

export async function startGoogleDriveFake(): Promise<GoogleDriveFake> {
  const files = new Map<string, FakeFile>();
  const rootId = `0A${randomBytes(8).toString('hex')}`;
  files.set(rootId, {
    id: rootId,
    name: 'My Drive',
    mimeType: FOLDER,
    parents: [],
    content: Buffer.alloc(0),
    createdTime: now(),
    modifiedTime: now(),
    trashed: false,
    permissions: [],
  });
  const tokens = new Set<string>();
  const sessions = new Map<string, Session>();
  // changes.list: every change to a file, in order; a page token is a position in it (from 1).
  const log: { fileId: string; removed: boolean; time: string }[] = [];
  const changed = (fileId: string, removed = false) => log.push({ fileId, removed, time: now() });
  let listCalls = 0;
  let quotaExceeded = false;
  let limited = { times: 0, seconds: 0 };
  let cutAfter: number | undefined;
  const id = () => randomBytes(12).toString('base64url');
  const realId = (fileId: string) => (fileId === 'root' ? rootId : fileId);

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      ...(body !== undefined ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
      ...headers,
    });
    res.end(body !== undefined ? JSON.stringify(body) : undefined);
  };
  const error = (
    res: ServerResponse,
    status: number,
    reason: string,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    send(
      res,
      status,
      { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
      headers,
    );
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const descendants = (folder: string): string[] =>
    [...files.values()]
      .filter((f) => f.parents.includes(folder))
      .flatMap((f) => [f.id, ...descendants(f.id)]);

  function finish(session: Session): FakeFile {
    const content = Buffer.concat(session.received);
    const existing = session.fileId ? files.get(session.fileId) : undefined;
    const file: FakeFile = existing
      ? {
          ...existing,
          content,
          modifiedTime: now(),
          ...(session.metadata.name ? { name: session.metadata.name } : {}),
        }
      : {
          id: id(),
          name: session.metadata.name ?? 'Untitled',
          mimeType: session.metadata.mimeType ?? 'application/octet-stream',
          parents: (session.metadata.parents ?? [rootId]).map(realId),
          content,
          createdTime: now(),
          modifiedTime: now(),
          trashed: false,
          permissions: [],
        };
    files.set(file.id, file);
    changed(file.id);
    return file;
  }

  const fake = {
    uploadRequests: 0,
  } as GoogleDriveFake;
  const oauth = oauthEndpoints({
    authorizePath: '/o/oauth2/v2/auth',
    tokenPath: '/token',
    issueAccessToken: () => fake.issueToken(),
    rotate: false,
  });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (await oauth.handle(req, res, url)) return;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !tokens.has(token))
        return error(res, 401, 'authError', 'Request had invalid authentication credentials.', {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
        });
      if (limited.times > 0) {
        limited.times--;
        return error(res, 429, 'rateLimitExceeded', 'Rate Limit Exceeded', {
          'retry-after': String(limited.seconds),
        });
      }
      const path = url.pathname;
      // Resumable uploads: start a session, then PUT its chunks.
      const start = /^\/upload\/drive\/v3\/files(?:\/([^/]+))?$/.exec(path);
      if (
        start &&
        (req.method === 'POST' || req.method === 'PATCH') &&
        url.searchParams.get('uploadType') === 'resumable'
      ) {
        if (quotaExceeded)
          return error(res, 403, 'storageQuotaExceeded', 'The user has exceeded their Drive storage quota');
        const fileId = start[1] ? realId(decodeURIComponent(start[1])) : undefined;
        if (fileId && !files.has(fileId)) return error(res, 404, 'notFound', `File not found: ${fileId}.`);
        const raw = await body(req);
        const metadata = raw.length ? JSON.parse(raw.toString('utf8')) : {};
        const total = Number(req.headers['x-upload-content-length'] ?? Number.NaN);
        const sessionId = id();
        sessions.set(sessionId, { ...(fileId ? { fileId } : {}), metadata, total, received: [], size: 0 });
        return send(res, 200, undefined, {
          location: `${fake.rootUrl}upload/drive/v3/files?uploadType=resumable&upload_id=${sessionId}`,
        });
      }
      if (path === '/upload/drive/v3/files' && req.method === 'PUT') {
        fake.uploadRequests++;
        const session = sessions.get(url.searchParams.get('upload_id') ?? '');
        if (!session) return error(res, 404, 'notFound', 'Upload session not found or expired.');
        const range = /^bytes (\*|(\d+)-(\d+))\/(\d+|\*)$/.exec(String(req.headers['content-range'] ?? ''));
        const chunk = await body(req);
        if (!range) return error(res, 400, 'badRequest', 'Missing or invalid Content-Range.');
        const total = range[4] === '*' ? session.total : Number(range[4]);
        if (range[1] !== '*' && cutAfter !== undefined && chunk.length > cutAfter) {
          session.received.push(chunk.subarray(0, cutAfter));
          session.size += cutAfter;
          cutAfter = undefined;
          req.socket.destroy();
          return;
        }
        if (range[1] !== '*') {
          const from = Number(range[2]);
          if (from !== session.size || Number(range[3]) - from + 1 !== chunk.length)
            return error(
              res,
              400,
              'badRequest',
              `Chunk starts at ${from}; ${session.size} bytes were received.`,
            );
          session.received.push(chunk);
          session.size += chunk.length;
        }
        if (Number.isFinite(total) && session.size === total) {
          const file = finish(session);
          sessions.delete(url.searchParams.get('upload_id')!);
          return send(res, 200, resource(file));
        }
        return send(res, 308, undefined, session.size ? { range: `bytes=0-${session.size - 1}` } : {});
      }
      if (path === '/drive/v3/changes/startPageToken' && req.method === 'GET')
        return send(res, 200, { kind: 'drive#startPageToken', startPageToken: String(log.length + 1) });
      if (path === '/drive/v3/changes' && req.method === 'GET') {
        const from = Number(url.searchParams.get('pageToken'));
        if (!Number.isInteger(from) || from < 1 || from > log.length + 1)
          return error(res, 400, 'invalid', 'Invalid Value', {});
        const size = Math.min(1000, Number(url.searchParams.get('pageSize') ?? 100));
        const page = log.slice(from - 1, from - 1 + size);
        const next = from + page.length;
        return send(res, 200, {
          kind: 'drive#changeList',
          changes: page.map((c) => ({
            kind: 'drive#change',
            changeType: 'file',
            fileId: c.fileId,
            removed: c.removed,
            time: c.time,
            ...(c.removed || !files.has(c.fileId) ? {} : { file: resource(files.get(c.fileId)!) }),
          })),
          ...(next <= log.length ? { nextPageToken: String(next) } : { newStartPageToken: String(next) }),
        });
      }
      const exported = /^\/drive\/v3\/files\/([^/]+)\/export$/.exec(path);
      if (exported && req.method === 'GET') {
        const file = files.get(realId(decodeURIComponent(exported[1]!)));
        if (!file) return error(res, 404, 'notFound', `File not found: ${exported[1]}.`);
        if (!file.exports)
          return error(res, 403, 'fileNotExportable', 'Export only supports Docs Editors files.');
        const wanted = url.searchParams.get('mimeType') ?? '';
        const bytes = file.exports[wanted];
        if (!bytes) return error(res, 400, 'badRequest', 'The requested conversion is not supported.');
        res.writeHead(200, { 'content-type': wanted });
        return res.end(bytes);
      }
      const permissions = /^\/drive\/v3\/files\/([^/]+)\/permissions$/.exec(path);
      if (permissions && req.method === 'POST') {
        const file = files.get(realId(decodeURIComponent(permissions[1]!)));
        if (!file) return error(res, 404, 'notFound', `File not found: ${permissions[1]}.`);
        const asked = JSON.parse((await body(req)).toString('utf8') || '{}') as Partial<Permission>;
        if (!['user', 'group', 'domain', 'anyone'].includes(asked.type ?? ''))
          return error(res, 400, 'invalid', 'Invalid value for: type');
        if (
          !['owner', 'organizer', 'fileOrganizer', 'writer', 'commenter', 'reader'].includes(asked.role ?? '')
        )
          return error(res, 400, 'invalid', 'Invalid value for: role');
        if (
          (asked.type === 'user' || asked.type === 'group') &&
          !/^[^@\s]+@[^@\s]+$/.test(asked.emailAddress ?? '')
        )
          return error(
            res,
            400,
            'invalidSharingRequest',
            'Bad Request. User message: "Invalid email address."',
          );
        const permission: Permission = {
          kind: 'drive#permission',
          id: asked.type === 'anyone' ? 'anyoneWithLink' : id(),
          type: asked.type!,
          role: asked.role!,
          ...(asked.emailAddress ? { emailAddress: asked.emailAddress } : {}),
        };
        file.permissions = [...file.permissions.filter((p) => p.id !== permission.id), permission];
        return send(res, 200, permission);
      }
      const one = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
      if (path === '/drive/v3/files' && req.method === 'GET') {
        listCalls++;
        let match: (f: FakeFile) => boolean;
        try {
          match = compileQuery(url.searchParams.get('q') ?? '', realId);
        } catch (e) {
          return error(res, 400, 'invalid', (e as Error).message);
        }
        const all = [...files.values()]
          .filter((f) => f.id !== rootId && match(f))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const size = Math.min(1000, Number(url.searchParams.get('pageSize') ?? 100));
        const from = Number(url.searchParams.get('pageToken') ?? 0);
        const page = all.slice(from, from + size);
        return send(
          res,
          200,
          pickFields(
            url.searchParams.get('fields'),
            {
              kind: 'drive#fileList',
              incompleteSearch: false,
              files: page.map(resource),
              ...(from + size < all.length ? { nextPageToken: String(from + size) } : {}),
            },
            true,
          ),
        );
      }
      if (path === '/drive/v3/files' && req.method === 'POST') {
        const metadata = JSON.parse((await body(req)).toString('utf8') || '{}');
        const file: FakeFile = {
          id: id(),
          name: metadata.name ?? 'Untitled',
          mimeType: metadata.mimeType ?? 'application/octet-stream',
          parents: ((metadata.parents as string[] | undefined) ?? [rootId]).map(realId),
          content: Buffer.alloc(0),
          createdTime: now(),
          modifiedTime: now(),
          trashed: false,
          permissions: [],
        };
        if (file.parents.some((p) => !files.has(p)))
          return error(res, 404, 'notFound', `File not found: ${file.parents[0]}.`);
        files.set(file.id, file);
        changed(file.id);
        return send(res, 200, pickFields(url.searchParams.get('fields'), resource(file), false));
      }
      if (one) {
        const file = files.get(realId(decodeURIComponent(one[1]!)));
        if (!file) return error(res, 404, 'notFound', `File not found: ${one[1]}.`);
        if (req.method === 'GET') {
          if (url.searchParams.get('alt') !== 'media')
            return send(res, 200, pickFields(url.searchParams.get('fields'), resource(file), false));
          if (file.mimeType.startsWith('application/vnd.google-apps.'))
            return error(
              res,
              403,
              'fileNotDownloadable',
              'Only files with binary content can be downloaded.',
            );
          const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
          if (range) {
            const from = Number(range[1]);
            const to = range[2] ? Number(range[2]) : file.content.length - 1;
            res.writeHead(206, {
              'content-type': file.mimeType,
              'content-range': `bytes ${from}-${to}/${file.content.length}`,
              'content-length': String(to - from + 1),
            });
            return res.end(file.content.subarray(from, to + 1));
          }
          res.writeHead(200, {
            'content-type': file.mimeType,
            'content-length': String(file.content.length),
          });
          return res.end(file.content);
        }
        if (req.method === 'PATCH') {
          const metadata = JSON.parse((await body(req)).toString('utf8') || '{}');
          const add = url.searchParams.get('addParents')?.split(',').filter(Boolean).map(realId) ?? [];
          const remove = url.searchParams.get('removeParents')?.split(',').filter(Boolean).map(realId) ?? [];
          Object.assign(file, {
            ...(metadata.name ? { name: metadata.name } : {}),
            parents: [...file.parents.filter((p) => !remove.includes(p)), ...add],
            modifiedTime: now(),
          });
          changed(file.id);
          return send(res, 200, pickFields(url.searchParams.get('fields'), resource(file), false));
        }
        if (req.method === 'DELETE') {
          for (const gone of [file.id, ...descendants(file.id)]) {
            files.delete(gone);
            changed(gone, true);
          }
          return send(res, 204);
        }
      }
      return error(res, 404, 'notFound', `No route ${req.method} ${path}`);
    } catch (e) {
      return error(res, 500, 'backendError', (e as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections?.bind(server);
  return Object.assign(fake, {
    rootUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    oauth,
    issueToken() {
      const token = `ya29.${randomBytes(16).toString('hex')}`;
      tokens.add(token);
      return token;
    },
    expire(token: string) {
      tokens.delete(token);
    },
    rateLimit(times: number, seconds: number) {
      limited = { times, seconds };
    },
    cutNextChunk(bytes: number) {
      cutAfter = bytes;
    },
    listCalls: () => listCalls,
    setQuotaExceeded(full: boolean) {
      quotaExceeded = full;
    },
    addNativeDocument(name: string, mimeType: string, exports: Record<string, Buffer>) {
      const file: FakeFile = {
        id: id(),
        name,
        mimeType,
        parents: [rootId],
        content: Buffer.alloc(0),
        createdTime: now(),
        modifiedTime: now(),
        trashed: false,
        permissions: [],
        exports,
      };
      files.set(file.id, file);
      changed(file.id);
    },
    permissionsOf(name: string) {
      return [...files.values()].find((f) => f.name === name)?.permissions ?? [];
    },
    stop: async () => {
      server.closeAllConnections();
      await stop();
    },
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await stop();
    },
  });
}
