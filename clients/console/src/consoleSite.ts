import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { stripTypes } from './stripTypes.ts';

/** How the console signs people in, as the router's configuration says. */
export interface ConsoleSignIn {
  /** `local`: no sign-in; `keys`: an API key pasted once; `oidc`: the provider's sign-in page. */
  mode: 'local' | 'keys' | 'oidc';
  oidc?: {
    issuer: string;
    /** The console's public client (authorization code with PKCE, no secret). */
    clientId: string;
    scope: string;
    /** RFC 8707 resource indicator, for providers that issue JWT access tokens per API. */
    resource?: string;
  };
}

export interface ConsoleSite {
  /**
   * The page or file for a path of the router's origin; undefined when it is not the console's.
   * `acceptEncoding` (the request's header) lets files go out compressed (brotli or gzip).
   */
  serve(pathname: string, acceptEncoding?: string | null): Promise<Response | undefined>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** A package's folder, from its main entry (not every package exports its package.json). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (path.basename(dir) !== name && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

/**
 * The libraries, from node_modules under fixed names (no CDN, offline); those the app imports by
 * bare name carry it, and the page's import map is made from them.
 */
const VENDOR: Record<string, { file: () => string; type: keyof typeof TYPES; specifier?: string }> = {
  'preact.js': {
    file: () => path.join(packageDir('preact'), 'dist/preact.module.js'),
    type: 'js',
    specifier: 'preact',
  },
  'preact-hooks.js': {
    file: () => path.join(packageDir('preact'), 'hooks/dist/hooks.module.js'),
    type: 'js',
    specifier: 'preact/hooks',
  },
  'htm.js': { file: () => path.join(packageDir('htm'), 'dist/htm.module.js'), type: 'js', specifier: 'htm' },
  'htm-preact.js': {
    file: () => path.join(packageDir('htm'), 'preact/index.module.js'),
    type: 'js',
    specifier: 'htm/preact',
  },
  'uplot.js': {
    file: () => path.join(packageDir('uplot'), 'dist/uPlot.esm.js'),
    type: 'js',
    specifier: 'uplot',
  },
  'uplot.css': { file: () => path.join(packageDir('uplot'), 'dist/uPlot.min.css'), type: 'css' },
};

const IMPORTS = Object.fromEntries(
  Object.entries(VENDOR).flatMap(([name, { specifier }]) =>
    specifier ? [[specifier, `/console/vendor/${name}`]] : [],
  ),
);
const IMPORT_MAP = JSON.stringify({ imports: IMPORTS });

/** Where the browser's modules live: the app and the generated typed documents. */
const SOURCE_DIRS = ['app', 'generated'];

/**
 * The web console as files for the router to serve: `/` is the page, `/console/<dir>/<file>.ts`
 * the app's modules with their types stripped on the way out (Node's own stripper, so the
 * browser runs what tsc checked, with no build step), `/console/vendor/*` the libraries.
 */
export function consoleSite(signIn: ConsoleSignIn): ConsoleSite {
  interface Entry {
    mtimeMs: number;
    body: string;
    etag: string;
    encoded: Map<string, Uint8Array<ArrayBuffer>>;
  }
  const cache = new Map<string, Entry>();

  async function source(file: string, transform: (text: string) => string): Promise<Entry> {
    const { mtimeMs } = await stat(file);
    const hit = cache.get(file);
    if (hit?.mtimeMs === mtimeMs) return hit;
    const body = transform(await readFile(file, 'utf8'));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"`;
    const entry = { mtimeMs, body, etag, encoded: new Map<string, Uint8Array<ArrayBuffer>>() };
    cache.set(file, entry);
    return entry;
  }

  /** A file's response, compressed once per version and encoding (uPlot ships as 145 KB of source). */
  function respond(
    entry: Entry,
    type: string,
    cacheControl: string,
    acceptEncoding: string | null | undefined,
  ) {
    const accepted = acceptEncoding ?? '';
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
    const headers: Record<string, string> = {
      'content-type': type,
      etag: entry.etag,
      'cache-control': cacheControl,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (!encoding) return new Response(entry.body, { headers });
    let bytes = entry.encoded.get(encoding);
    if (!bytes) {
      const raw = Buffer.from(entry.body);
      bytes = new Uint8Array(
        encoding === 'br'
          ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
          : gzipSync(raw, { level: 9 }),
      );
      entry.encoded.set(encoding, bytes);
    }
    return new Response(bytes, { headers: { ...headers, 'content-encoding': encoding } });
  }

  const page = indexPage(signIn);
  return {
    async serve(pathname, acceptEncoding) {
      if (pathname === '/' || pathname === '/index.html') return page();
      if (!pathname.startsWith('/console/')) return undefined;
      const [dir, ...parts] = pathname.slice('/console/'.length).split('/');
      if (dir === 'vendor') {
        const vendor = VENDOR[parts.join('/')];
        if (!vendor) return undefined;
        const entry = await source(vendor.file(), (text) => text);
        return respond(entry, TYPES[vendor.type], 'public, max-age=86400', acceptEncoding);
      }
      if (dir === 'styles.css' && parts.length === 0)
        return respond(
          await source(path.join(here, 'app/styles.css'), (text) => text),
          TYPES.css,
          'no-cache',
          acceptEncoding,
        );
      // Only plain names under the two source folders: no `..`, no other files of the project.
      if (!dir || !SOURCE_DIRS.includes(dir) || !parts.every((p) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(p)))
        return undefined;
      const file = path.join(here, dir, ...parts);
      if (!file.endsWith('.ts') || !file.startsWith(path.join(here, dir) + path.sep)) return undefined;
      try {
        return respond(await source(file, stripTypes), TYPES.js, 'no-cache', acceptEncoding);
      } catch (error) {
        // Not a file of ours, however odd the name: the router's 404, never a 500.
        if (
          ['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG'].includes(
            (error as NodeJS.ErrnoException).code ?? '',
          )
        )
          return undefined;
        throw error;
      }
    },
  };
}

/**
 * The one HTML page. Its two inline scripts (the import map and the sign-in settings) are
 * allowed by hash in the Content-Security-Policy; everything else must come from this origin,
 * except the token request to the OIDC provider.
 */
function indexPage(signIn: ConsoleSignIn): () => Response {
  // Every module announced up front: the browser fetches them in parallel instead of finding
  // them one import at a time (main → views → components is four round trips deep).
  // Of the generated folder only the typed documents: codegen's gql.ts and index.ts (every
  // document's text again) are never imported by the app.
  const modules = [
    ...readdirSync(path.join(here, 'app'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `/console/app/${f.split(path.sep).join('/')}`),
    '/console/generated/graphql.ts',
    ...Object.values(IMPORTS),
  ];
  const preloads = modules.map((m) => `<link rel="modulepreload" href="${m}">`).join('\n');
  const settings = `globalThis.JARVIS_CONSOLE = ${JSON.stringify({ signIn }).replace(/</g, '\\u003c')};`;
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const connect = ["'self'", ...(signIn.oidc ? [new URL(signIn.oidc.issuer).origin] : [])].join(' ');
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${hash(IMPORT_MAP)} ${hash(settings)}`,
    `connect-src ${connect}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jarvis console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/vendor/uplot.css">
<link rel="stylesheet" href="/console/styles.css">
<script type="importmap">${IMPORT_MAP}</script>
<script>${settings}</script>
${preloads}
</head>
<body>
<div id="console"><p class="loading">Loading the Jarvis console…</p></div>
<noscript>The Jarvis console needs JavaScript. GraphQL is at <a href="/graphql">/graphql</a>.</noscript>
<script type="module" src="/console/app/main.ts"></script>
</body>
</html>
`;
  return () =>
    new Response(html, {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      },
    });
}
