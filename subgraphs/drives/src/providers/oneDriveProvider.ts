import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { Client, type Context, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { missingOnDrive, providerError, retryAfterMs, rootNotRemovable } from './driveErrors.ts';
import { drivePath, joinPath, splitPath } from './drivePath.ts';
import type { DriveEntry, DriveProvider } from './driveProvider.ts';
import { mimeTypeOf } from './mimeTypeOf.ts';
import { type ChunkSession, uploadInChunks } from './uploadInChunks.ts';

export interface OneDriveOptions {
  /** A current OAuth access token (the drive's token keeper refreshes it before it expires). */
  accessToken: () => Promise<string>;
  /** Graph's origin; a test points it at a fake. */
  baseUrl?: string;
}

/** Upload fragments must be multiples of 320 KiB; one is held at a time, for a resend. */
const FRAGMENT = 32 * 320 * 1024;

interface DriveItem {
  id: string;
  name: string;
  size?: number;
  lastModifiedDateTime?: string;
  eTag?: string;
  cTag?: string;
  file?: { mimeType?: string };
  folder?: { childCount?: number };
}

/**
 * OneDrive through Microsoft Graph (`@microsoft/microsoft-graph-client`), addressed by path
 * (`/me/drive/root:/clips/game.mp4:`). Large files go through an upload session: fragments PUT
 * to its pre-authenticated URL, and after a cut the session's nextExpectedRanges says where to
 * go on. The item appears, or is replaced, only when the last fragment is in.
 */
export function oneDriveProvider(options: OneDriveOptions, label = 'OneDrive'): DriveProvider {
  const base = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/$/, '');
  // The token on every request to `base`; no retry middleware: a 429 comes out with its
  // Retry-After for the caller to honour.
  let tokenFailure: unknown;
  const authorize: Middleware & { next?: Middleware } = {
    async execute(context: Context) {
      let token: string;
      try {
        token = await options.accessToken();
      } catch (error) {
        // The client wraps what a middleware throws; keep the token's own error (a revoked grant) for failed().
        tokenFailure = error;
        throw error;
      }
      context.options = {
        ...context.options,
        headers: {
          ...(context.options?.headers as Record<string, string> | undefined),
          authorization: `Bearer ${token}`,
        },
      };
      await authorize.next!.execute(context);
    },
    setNext(next: Middleware) {
      authorize.next = next;
    },
  };
  authorize.setNext!(new HTTPMessageHandler());
  const client = Client.initWithMiddleware({ middleware: authorize, baseUrl: base, defaultVersion: 'v1.0' });

  function failed(error: unknown, at?: string): JarvisError {
    if (error instanceof JarvisError) return error;
    if (tokenFailure instanceof JarvisError) {
      const cause = tokenFailure;
      tokenFailure = undefined;
      return cause;
    }
    const e = error as {
      statusCode?: number;
      status?: number;
      code?: string;
      message?: string;
      headers?: Headers;
    };
    const status = e.statusCode ?? e.status;
    return providerError(label, status === -1 ? undefined : status, e.code ?? e.message ?? 'error', {
      ...(at !== undefined ? { path: at } : {}),
      ...(status === 429 ? { retryAfterMs: retryAfterMs(e.headers?.get('retry-after')) ?? 0 } : {}),
    });
  }

  /** Graph's path form, each segment encoded: `/me/drive/root:/a%20b/c.txt:`. */
  const item = (at: string) =>
    at === '' ? '/me/drive/root' : `/me/drive/root:/${at.split('/').map(encodeURIComponent).join('/')}:`;

  const entry = (i: DriveItem, at: string): DriveEntry => {
    const folder = i.folder !== undefined;
    return {
      path: at,
      name: at === '' ? '' : splitPath(at).name,
      folder,
      size: folder ? 0 : (i.size ?? 0),
      modifiedAt: new Date(i.lastModifiedDateTime ?? 0),
      mimeType: folder ? 'inode/directory' : (i.file?.mimeType ?? mimeTypeOf(i.name)),
      version: folder ? '' : (i.cTag ?? i.eTag ?? ''),
      providerId: i.id,
    };
  };

  async function get(at: string): Promise<DriveItem | undefined> {
    try {
      return (await client.api(item(at)).get()) as DriveItem;
    } catch (error) {
      const e = failed(error, at);
      if (e.code === ErrorCode.NOT_FOUND) return undefined;
      throw e;
    }
  }

  async function children(at: string): Promise<DriveItem[]> {
    const out: DriveItem[] = [];
    let page = (await client
      .api(`${item(at)}/children`)
      .top(1000)
      .get()) as {
      value: DriveItem[];
      '@odata.nextLink'?: string;
    };
    out.push(...page.value);
    while (page['@odata.nextLink']) {
      page = await client.api(page['@odata.nextLink']).get();
      out.push(...page.value);
    }
    return out;
  }

  async function mkdirs(at: string): Promise<DriveItem> {
    let current = (await get(''))!;
    let here = '';
    for (const segment of at ? at.split('/') : []) {
      const parent = here;
      here = joinPath(here, segment);
      const found = await get(here);
      if (found) {
        if (!found.folder)
          throw new JarvisError(ErrorCode.CONFLICT, `${label} has a file at ${JSON.stringify(here)}`, {
            path: here,
          });
        current = found;
        continue;
      }
      try {
        current = (await client
          .api(`${item(parent)}/children`)
          .post({ name: segment, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as DriveItem;
      } catch (error) {
        // Made meanwhile by a concurrent write: use it.
        const made = await get(here);
        if (!made?.folder) throw failed(error, here);
        current = made;
      }
    }
    return current;
  }

  /** A Graph upload session as uploadInChunks drives it; its URL is pre-authenticated (no token). */
  const chunkSession = (uploadUrl: string, size: number, at: string): ChunkSession => ({
    put: (bytes, from) =>
      fetch(uploadUrl, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${from}-${from + bytes.length - 1}/${size}` },
        body: new Uint8Array(bytes),
      }),
    async received() {
      const status = (await (await fetch(uploadUrl)).json()) as { nextExpectedRanges?: string[] };
      return Number(/^(\d+)-/.exec(status.nextExpectedRanges?.[0] ?? '')?.[1] ?? -1);
    },
    partial: [202],
    async refused(response) {
      const text = await response.text();
      let code = text;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? text;
      } catch {}
      return failed({ statusCode: response.status, code, headers: response.headers }, at);
    },
    broken: (detail, cause) => failed(cause ?? { statusCode: 409, code: detail }, at),
  });

  return {
    kind: 'ONEDRIVE',
    async check() {
      try {
        await client.api('/me/drive').get();
      } catch (error) {
        throw failed(error);
      }
    },
    async list(folder, listOptions = {}) {
      const at = drivePath(folder, 'folder');
      const self = await get(at);
      if (!self?.folder) throw missingOnDrive(label, at);
      const out: DriveEntry[] = [];
      const walk = async (path: string) => {
        const kids = (await children(path)).map((i) => entry(i, joinPath(path, i.name)));
        kids.sort((a, b) => Number(b.folder) - Number(a.folder) || (a.name < b.name ? -1 : 1));
        for (const e of kids) {
          out.push(e);
          if (listOptions.recursive && e.folder) await walk(e.path);
        }
      };
      try {
        await walk(at);
      } catch (error) {
        throw failed(error, at);
      }
      return out;
    },
    async stat(input) {
      const at = drivePath(input);
      const found = await get(at);
      return found ? entry(found, at) : undefined;
    },
    async read(input, readOptions = {}) {
      const at = drivePath(input);
      const found = await get(at);
      if (!found || found.folder) throw missingOnDrive(label, at);
      // /content answers with a redirect to a pre-authenticated URL, which takes Range.
      const redirect = await fetch(`${base}/v1.0/me/drive/items/${encodeURIComponent(found.id)}/content`, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${await options.accessToken()}` },
      });
      const location = redirect.headers.get('location');
      if (!location) throw failed({ statusCode: redirect.status, code: await redirect.text() }, at);
      const response = await fetch(location, {
        headers: readOptions.start ? { range: `bytes=${readOptions.start}-` } : {},
      });
      if (!response.ok || !response.body)
        throw failed({ statusCode: response.status, headers: response.headers }, at);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    },
    async write(input, body, size) {
      const at = drivePath(input);
      if (at === '') throw missingOnDrive(label, at);
      try {
        await mkdirs(splitPath(at).parent);
        const session = (await client
          .api(`${item(at)}/createUploadSession`)
          .post({ item: { '@microsoft.graph.conflictBehavior': 'replace' } })) as { uploadUrl: string };
        try {
          const done = await uploadInChunks(
            chunkSession(session.uploadUrl, size, at),
            body,
            size,
            FRAGMENT,
            at,
          );
          return entry((await done.json()) as DriveItem, at);
        } catch (error) {
          // Nothing was committed: end the session rather than leave it to expire.
          await fetch(session.uploadUrl, { method: 'DELETE' }).catch(() => {});
          throw error;
        }
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
      // A delta link is a whole URL; kept without its origin and version, it is asked again here.
      const relative = (link: string) => link.replace(/^https?:\/\/[^/]+\/v1\.0/, '');
      try {
        let next = cursor ?? '/me/drive/root/delta?token=latest';
        let changed = cursor === null;
        for (;;) {
          const page = (await client.api(next).get()) as {
            value?: unknown[];
            '@odata.nextLink'?: string;
            '@odata.deltaLink'?: string;
          };
          if (page.value?.length) changed = true;
          if (page['@odata.deltaLink']) return { cursor: relative(page['@odata.deltaLink']), changed };
          if (!page['@odata.nextLink']) return { cursor: next, changed: true };
          next = relative(page['@odata.nextLink']);
        }
      } catch (error) {
        const e = failed(error);
        // An expired delta link (410 resyncRequired): start again, and compare by listing this time.
        if (cursor !== null && (error as { statusCode?: number }).statusCode === 410)
          return this.changes!(null);
        throw e;
      }
    },
    async search(query, limit) {
      try {
        const escaped = query.replaceAll("'", "''");
        const answer = (await client
          .api(`/me/drive/root/search(q='${encodeURIComponent(escaped)}')`)
          .top(Math.min(limit, 200))
          .get()) as { value: (DriveItem & { parentReference?: { path?: string } })[] };
        return answer.value
          .filter((item) => !item.folder && item.parentReference?.path !== undefined)
          .map((item) => {
            // `/drive/root:/clips` → `clips`; the item's path is its folder's and its name.
            const folder = decodeURIComponent(item.parentReference!.path!.replace(/^\/drive\/root:?\/?/, ''));
            return entry(item, folder ? `${folder}/${item.name}` : item.name);
          })
          .slice(0, limit);
      } catch (error) {
        throw failed(error);
      }
    },
    async share(input, shareOptions) {
      const at = drivePath(input);
      const found = await get(at);
      if (!found) throw missingOnDrive(label, at);
      const item = `/me/drive/items/${encodeURIComponent(found.id)}`;
      try {
        let url: string | undefined;
        if (shareOptions.emails.length) {
          // Graph e-mails each recipient; the item's own address opens it for them once signed in.
          await client.api(`${item}/invite`).post({
            recipients: shareOptions.emails.map((email) => ({ email })),
            roles: ['write'],
            requireSignIn: true,
            sendInvitation: true,
          });
          url = ((await client.api(item).select('webUrl').get()) as { webUrl?: string }).webUrl;
        }
        if (shareOptions.anyoneWithLink) {
          const link = (await client
            .api(`${item}/createLink`)
            .post({ type: 'view', scope: 'anonymous' })) as {
            link?: { webUrl?: string };
          };
          url = link.link?.webUrl;
        }
        url ??= ((await client.api(item).select('webUrl').get()) as { webUrl?: string }).webUrl;
        if (!url) throw new Error('Graph gave no link');
        return { url };
      } catch (error) {
        throw failed(error, at);
      }
    },
    async remove(input) {
      const at = drivePath(input);
      if (at === '') throw rootNotRemovable(label);
      const found = await get(at);
      if (!found) return;
      try {
        await client.api(`/me/drive/items/${encodeURIComponent(found.id)}`).delete();
      } catch (error) {
        const e = failed(error, at);
        if (e.code !== ErrorCode.NOT_FOUND) throw e;
      }
    },
  };
}
