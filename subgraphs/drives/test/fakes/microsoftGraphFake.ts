/**
 * A fake of Microsoft Graph's OneDrive API (v1.0), faithful to its public reference
 * (https://learn.microsoft.com/en-us/graph/api/resources/driveitem and "Upload large files with
 * an upload session", https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession)
 * for what Jarvis uses: items addressed by id or by path (`root:/a/b.txt:`), children with
 * `$top` paging through `@odata.nextLink`, folders created with a conflictBehavior, content by
 * a 302 to a pre-authenticated URL that honours Range, upload sessions (fragments with
 * Content-Range, 202 with nextExpectedRanges, a GET for the status, the item when complete,
 * replacing at the end), deletion, delta (`root/delta` with no token, `token=latest`, and the
 * returned `@odata.deltaLink`; 410 resyncRequired for a bad token), search (`search(q='…')` over names and text, with
 * parentReference.path), sharing (createLink with type and scope, answering the link's
 * webUrl; invite with recipients and roles), each item's webUrl, Graph's error envelope, 401 for an unknown token, 429 with
 * Retry-After when told to.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OAuthEndpoints, oauthEndpoints } from './oauthEndpoints.ts';

interface Item {
  id: string;
  name: string;
  parentId: string | null;
  folder: boolean;
  content: Buffer;
  mimeType: string;
  created: string;
  modified: string;
  version: number;
  permissions: Permission[];
}

/** A permission resource (https://learn.microsoft.com/en-us/graph/api/resources/permission). */
interface Permission {
  id: string;
  roles: string[];
  link?: { type: string; scope: string; webUrl: string };
  invitation?: { email: string; signInRequired: boolean };
}

interface Session {
  parentId: string;
  name: string;
  total: number;
  received: Buffer[];
  size: number;
}

export interface MicrosoftGraphFake extends AsyncDisposable {
  /** The client's baseUrl: https://graph.microsoft.com stands here. */
  baseUrl: string;
  /** The Microsoft identity platform (login.microsoftonline.com) on this origin, tenant `common`. */
  origin: string;
  oauth: OAuthEndpoints;
  issueToken(): string;
  expire(token: string): void;
  rateLimit(times: number, seconds: number): void;
  /** The next fragment PUT keeps its first `bytes` (a multiple of 320 KiB), then the connection drops unanswered. */
  cutNextFragment(bytes: number): void;
  /** Fragment PUTs seen. */
  fragments(): number;
  /** Whether the drive is full: upload sessions answer 507 insufficientStorage. */
  setQuotaExceeded(full: boolean): void;
  /** Children listings so far (a sync run that trusts delta makes none). */
  childrenCalls(): number;
  /** The permissions of the item of this name (the first found). */
  permissionsOf(name: string): Permission[];
  stop(): Promise<void>;
}

const now = () => new Date().toISOString();

export async function startMicrosoftGraphFake(): Promise<MicrosoftGraphFake> {
  const items = new Map<string, Item>();
  const rootId = `ROOT${randomBytes(6).toString('hex').toUpperCase()}`;
  items.set(rootId, {
    id: rootId,
    name: 'root',
    parentId: null,
    folder: true,
    content: Buffer.alloc(0),
    mimeType: '',
    created: now(),
    modified: now(),
    version: 1,
    permissions: [],
  });
  const tokens = new Set<string>();
  const sessions = new Map<string, Session>();
  // delta: every change to an item, in order; a delta link's token is a position in it.
  const log: { id: string; deleted: boolean }[] = [];
  const changed = (id: string, deleted = false) => log.push({ id, deleted });
  let childrenCalls = 0;
  let quotaExceeded = false;
  const downloads = new Map<string, string>();
  let limited = { times: 0, seconds: 0 };
  let cutAfter: number | undefined;
  let fragments = 0;
  let base = '';
  const newId = () => randomBytes(10).toString('hex').toUpperCase();
  const issueToken = () => {
    const token = `EwB${randomBytes(16).toString('hex')}`;
    tokens.add(token);
    return token;
  };
  // Microsoft rotates refresh tokens: each refresh answers with a new one.
  const oauth = oauthEndpoints({
    authorizePath: '/common/oauth2/v2.0/authorize',
    tokenPath: '/common/oauth2/v2.0/token',
    issueAccessToken: issueToken,
    rotate: true,
  });

  const pathOf = (item: Item): string =>
    item.parentId === null ? '' : `${pathOf(items.get(item.parentId)!)}/${item.name}`;
  const childrenOf = (id: string) =>
    [...items.values()].filter((i) => i.parentId === id).sort((a, b) => (a.name < b.name ? -1 : 1));
  const child = (parentId: string, name: string) =>
    childrenOf(parentId).find((i) => i.name.toLowerCase() === name.toLowerCase());
  const byPath = (path: string): Item | undefined => {
    let current = items.get(rootId);
    for (const segment of path.split('/').filter(Boolean)) {
      if (!current?.folder) return undefined;
      current = child(current.id, segment);
    }
    return current;
  };

  const resource = (i: Item) => ({
    id: i.id,
    name: i.name,
    size: i.folder ? childrenOf(i.id).reduce((a, c) => a + c.content.length, 0) : i.content.length,
    createdDateTime: i.created,
    lastModifiedDateTime: i.modified,
    eTag: `"{${i.id}},${i.version}"`,
    webUrl: `https://onedrive.live.com/?id=${i.id}`,
    cTag: `"c:{${i.id}},${i.version}"`,
    ...(i.parentId !== null
      ? {
          parentReference: {
            driveId: 'fake',
            id: i.parentId,
            path: `/drive/root:${pathOf(items.get(i.parentId)!)}`,
          },
        }
      : { root: {} }),
    ...(i.folder
      ? { folder: { childCount: childrenOf(i.id).length } }
      : {
          file: {
            mimeType: i.mimeType,
            hashes: { sha256Hash: createHash('sha256').update(i.content).digest('hex').toUpperCase() },
          },
        }),
  });

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    });
    res.end(body !== undefined ? JSON.stringify(body) : undefined);
  };
  const error = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    send(
      res,
      status,
      { error: { code, message, innerError: { date: now(), 'request-id': newId() } } },
      headers,
    );
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  /** `/me/drive/root`, `/me/drive/root:/a/b:`, `/me/drive/items/{id}`, each with an optional `/action` after it. */
  function address(path: string): { item?: Item; path?: string; rest: string } | undefined {
    const byId = /^\/v1\.0\/me\/drive\/items\/([^/]+)(\/.*)?$/.exec(path);
    if (byId) return { item: items.get(decodeURIComponent(byId[1]!)), rest: byId[2] ?? '' };
    const prefix = '/v1.0/me/drive/root';
    if (!path.startsWith(prefix)) return undefined;
    const tail = path.slice(prefix.length);
    if (!tail.startsWith(':')) return { item: items.get(rootId), rest: tail };
    // root:/a/b.txt: then an optional /action; the path ends at the next colon (or the end).
    const colon = tail.indexOf(':', 1);
    const p = decodeURIComponent(colon < 0 ? tail.slice(1) : tail.slice(1, colon));
    return { item: byPath(p), path: p, rest: colon < 0 ? '' : tail.slice(colon + 1) };
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (await oauth.handle(req, res, url)) return;
      // Pre-authenticated URLs: no bearer token, as Graph's download and upload URLs.
      const download = /^\/download\/([^/]+)$/.exec(url.pathname);
      if (download) {
        const item = items.get(downloads.get(download[1]!) ?? '');
        if (!item) return error(res, 404, 'itemNotFound', 'The resource could not be found.');
        const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
        const from = range ? Number(range[1]) : 0;
        const to = range?.[2] ? Number(range[2]) : item.content.length - 1;
        res.writeHead(range ? 206 : 200, {
          'content-type': item.mimeType,
          'content-length': String(Math.max(0, to - from + 1)),
          ...(range ? { 'content-range': `bytes ${from}-${to}/${item.content.length}` } : {}),
        });
        return res.end(item.content.subarray(from, to + 1));
      }
      const upload = /^\/upload\/([^/]+)$/.exec(url.pathname);
      if (upload) {
        const session = sessions.get(upload[1]!);
        if (!session) return error(res, 404, 'itemNotFound', 'The upload session was not found.');
        if (req.method === 'DELETE') {
          sessions.delete(upload[1]!);
          return send(res, 204);
        }
        if (req.method === 'GET') return send(res, 200, { nextExpectedRanges: [`${session.size}-`] });
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
        const chunk = await read(req);
        if (!range) return error(res, 400, 'invalidRequest', 'Content-Range is missing or invalid.');
        if (Number(range[1]) !== session.size || Number(range[2]) - Number(range[1]) + 1 !== chunk.length)
          return error(res, 416, 'invalidRange', `The fragment must start at ${session.size}.`);
        fragments++;
        if (cutAfter !== undefined && chunk.length > cutAfter) {
          session.received.push(chunk.subarray(0, cutAfter));
          session.size += cutAfter;
          cutAfter = undefined;
          req.socket.destroy();
          return;
        }
        if (Number.isNaN(session.total)) session.total = Number(range[3]);
        if (Number(range[3]) !== session.total)
          return error(
            res,
            400,
            'invalidRequest',
            `The total size ${range[3]} differs from ${session.total}.`,
          );
        session.received.push(chunk);
        session.size += chunk.length;
        if (session.size < session.total)
          return send(res, 202, {
            expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
            nextExpectedRanges: [`${session.size}-`],
          });
        sessions.delete(upload[1]!);
        if (!items.get(session.parentId))
          return error(res, 404, 'itemNotFound', 'The parent folder is gone.');
        const existing = child(session.parentId, session.name);
        const content = Buffer.concat(session.received);
        if (existing) {
          Object.assign(existing, { content, modified: now(), version: existing.version + 1 });
          changed(existing.id);
          return send(res, 200, resource(existing));
        }
        const made: Item = {
          id: newId(),
          name: session.name,
          parentId: session.parentId,
          folder: false,
          content,
          mimeType: 'application/octet-stream',
          created: now(),
          modified: now(),
          version: 1,
          permissions: [],
        };
        const ext = session.name.split('.').pop()?.toLowerCase();
        made.mimeType =
          ext === 'md'
            ? 'text/markdown'
            : ext === 'txt'
              ? 'text/plain'
              : ext === 'csv'
                ? 'text/csv'
                : ext === 'json'
                  ? 'application/json'
                  : 'application/octet-stream';
        items.set(made.id, made);
        changed(made.id);
        return send(res, 201, resource(made));
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !tokens.has(token))
        return error(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
      if (limited.times > 0) {
        limited.times--;
        return error(res, 429, 'activityLimitReached', 'The app or user has been throttled.', {
          'retry-after': String(limited.seconds),
        });
      }
      if (url.pathname === '/v1.0/me/drive' && req.method === 'GET')
        return send(res, 200, { id: 'fake', driveType: 'personal', quota: { total: 5e9, used: 0 } });
      const at = address(url.pathname);
      if (!at) return error(res, 400, 'invalidRequest', `Unsupported ${req.method} ${url.pathname}`);
      if (at.rest === '/createUploadSession' && req.method === 'POST') {
        if (quotaExceeded)
          return error(res, 507, 'insufficientStorage', 'Insufficient Storage: the drive is full.');
        const p = at.path ?? '';
        const parts = p.split('/').filter(Boolean);
        const name = parts.pop()!;
        const parent = byPath(parts.join('/'));
        if (!parent?.folder) return error(res, 404, 'itemNotFound', 'The parent folder does not exist.');
        const body = JSON.parse((await read(req)).toString() || '{}');
        const behavior = body.item?.['@microsoft.graph.conflictBehavior'] ?? 'replace';
        if (behavior === 'fail' && child(parent.id, name))
          return error(res, 409, 'nameAlreadyExists', 'The specified item name already exists.');
        const id = newId();
        // The size comes with the fragments (Content-Range's total), or up front as item.fileSize.
        const total = Number(body.item?.fileSize ?? Number.NaN);
        sessions.set(id, { parentId: parent.id, name, total, received: [], size: 0 });
        return send(res, 200, {
          uploadUrl: `${base}/upload/${id}`,
          expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
          nextExpectedRanges: ['0-'],
        });
      }
      if (!at.item) return error(res, 404, 'itemNotFound', 'The resource could not be found.');
      const item = at.item;
      // search(q='…'): items under this one whose name or text content holds the words.
      const search = /^\/search\(q='((?:[^']|'')*)'\)$/.exec(decodeURIComponent(at.rest));
      if (search && req.method === 'GET') {
        const words = search[1]!.replaceAll("''", "'").toLowerCase();
        const under = (i: Item): boolean =>
          i.parentId !== null && (i.parentId === item.id || under(items.get(i.parentId)!));
        const top = Math.min(1000, Number(url.searchParams.get('$top') ?? 200));
        const hits = [...items.values()].filter(
          (i) =>
            under(i) &&
            `${i.name} ${i.folder ? '' : i.content.toString('utf8')}`.toLowerCase().includes(words),
        );
        return send(res, 200, { value: hits.slice(0, top).map(resource) });
      }
      if (at.rest === '' && req.method === 'GET') return send(res, 200, resource(item));
      if (at.rest === '' && req.method === 'DELETE') {
        if (item.parentId === null) return error(res, 403, 'accessDenied', 'The root cannot be deleted.');
        const gone = (id: string): string[] => [id, ...childrenOf(id).flatMap((c) => gone(c.id))];
        for (const id of gone(item.id)) {
          items.delete(id);
          changed(id, true);
        }
        return send(res, 204);
      }
      if (at.rest === '/content' && req.method === 'GET') {
        if (item.folder) return error(res, 400, 'invalidRequest', 'A folder has no content.');
        const key = randomBytes(12).toString('hex');
        downloads.set(key, item.id);
        return send(res, 302, undefined, { location: `${base}/download/${key}` });
      }
      if (at.rest === '/delta' && req.method === 'GET') {
        // No token: every item (a full enumeration); `latest`: none, just the link; N: changes since N.
        const token = url.searchParams.get('token');
        if (token !== null && token !== 'latest' && !/^\d+$/.test(token))
          return error(res, 410, 'resyncRequired', 'The delta token is not valid; start again without one.');
        const link = `${base}/v1.0/me/drive/root/delta?token=${log.length}`;
        if (token === 'latest') return send(res, 200, { value: [], '@odata.deltaLink': link });
        const since =
          token === null ? [...items.keys()].map((id) => ({ id, deleted: false })) : log.slice(Number(token));
        const latest = new Map<string, boolean>();
        for (const c of since) latest.set(c.id, c.deleted);
        return send(res, 200, {
          value: [...latest].map(([id, deleted]) =>
            deleted || !items.has(id) ? { id, deleted: { state: 'deleted' } } : resource(items.get(id)!),
          ),
          '@odata.deltaLink': link,
        });
      }
      if (at.rest === '/children' && req.method === 'GET') {
        childrenCalls++;
        if (!item.folder) return error(res, 400, 'invalidRequest', 'Only folders have children.');
        const all = childrenOf(item.id);
        const top = Math.min(1000, Number(url.searchParams.get('$top') ?? 200));
        const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
        const next = skip + top < all.length ? new URL(`${base}${url.pathname}`) : undefined;
        next?.searchParams.set('$top', String(top));
        next?.searchParams.set('$skiptoken', String(skip + top));
        return send(res, 200, {
          value: all.slice(skip, skip + top).map(resource),
          ...(next ? { '@odata.nextLink': next.href } : {}),
        });
      }
      if (at.rest === '/createLink' && req.method === 'POST') {
        const body = JSON.parse((await read(req)).toString() || '{}');
        if (!['view', 'edit', 'embed'].includes(body.type))
          return error(res, 400, 'invalidRequest', 'Invalid value for type.');
        const scope = body.scope ?? 'anonymous';
        if (!['anonymous', 'organization', 'users'].includes(scope))
          return error(res, 400, 'invalidRequest', 'Invalid value for scope.');
        // The same link again for the same type and scope: 200 with the existing permission.
        const existing = item.permissions.find((p) => p.link?.type === body.type && p.link?.scope === scope);
        if (existing) return send(res, 200, existing);
        const permission: Permission = {
          id: newId(),
          roles: [body.type === 'edit' ? 'write' : 'read'],
          link: {
            type: body.type,
            scope,
            webUrl: `https://1drv.ms/f/s!${randomBytes(9).toString('base64url')}`,
          },
        };
        item.permissions.push(permission);
        return send(res, 201, permission);
      }
      if (at.rest === '/invite' && req.method === 'POST') {
        const body = JSON.parse((await read(req)).toString() || '{}');
        const recipients = (body.recipients ?? []) as { email?: string }[];
        if (!recipients.length || recipients.some((r) => !/^[^@\s]+@[^@\s]+$/.test(r.email ?? '')))
          return error(res, 400, 'invalidRequest', 'Invalid recipients.');
        const roles = (body.roles ?? []) as string[];
        if (!roles.length || roles.some((r) => !['read', 'write'].includes(r)))
          return error(res, 400, 'invalidRequest', 'Invalid value for roles.');
        const granted = recipients.map((r) => ({
          id: newId(),
          roles,
          invitation: { email: r.email!, signInRequired: body.requireSignIn !== false },
        }));
        item.permissions.push(...granted);
        return send(res, 200, { value: granted });
      }
      if (at.rest === '/children' && req.method === 'POST') {
        const body = JSON.parse((await read(req)).toString() || '{}');
        if (!body.name || !body.folder)
          return error(res, 400, 'invalidRequest', 'A name and a folder facet are required.');
        const existing = child(item.id, body.name);
        if (existing) {
          if ((body['@microsoft.graph.conflictBehavior'] ?? 'fail') === 'fail')
            return error(res, 409, 'nameAlreadyExists', 'The specified item name already exists.');
          return send(res, 200, resource(existing));
        }
        const made: Item = {
          id: newId(),
          name: body.name,
          parentId: item.id,
          folder: true,
          content: Buffer.alloc(0),
          mimeType: '',
          created: now(),
          modified: now(),
          version: 1,
          permissions: [],
        };
        items.set(made.id, made);
        changed(made.id);
        return send(res, 201, resource(made));
      }
      return error(res, 400, 'invalidRequest', `Unsupported ${req.method} ${url.pathname}`);
    } catch (e) {
      return error(res, 500, 'generalException', (e as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    baseUrl: base,
    origin: base,
    oauth,
    issueToken,
    expire(token) {
      tokens.delete(token);
    },
    rateLimit(times, seconds) {
      limited = { times, seconds };
    },
    cutNextFragment(bytes) {
      cutAfter = bytes;
    },
    fragments: () => fragments,
    childrenCalls: () => childrenCalls,
    setQuotaExceeded(full) {
      quotaExceeded = full;
    },
    permissionsOf: (name) => [...items.values()].find((i) => i.name === name)?.permissions ?? [],
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
