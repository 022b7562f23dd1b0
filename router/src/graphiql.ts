import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

// GraphiQL comes from the @graphql-yoga/graphiql bundle in node_modules: React, GraphiQL,
// the explorer and Monaco's workers in a few files we serve ourselves, so it works offline.
const dist = path.dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql'));

const ASSETS: Record<string, { file: string; type: string }> = {
  'graphiql.js': { file: 'yoga-graphiql.umd.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.css': { file: 'graphiql.css', type: 'text/css; charset=utf-8' },
  'editor.worker.js': {
    file: 'monacoeditorwork/editor.worker.bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
  'graphql.worker.js': {
    file: 'monacoeditorwork/graphql.worker..bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
  'json.worker.js': {
    file: 'monacoeditorwork/json.worker.bundle.js',
    type: 'text/javascript; charset=utf-8',
  },
};

const cache = new Map<string, Buffer>();

/** Serves /graphiql/<asset>; undefined for names that are not ours (no path traversal). */
export async function graphiqlAsset(name: string): Promise<Response | undefined> {
  const asset = ASSETS[name];
  if (!asset) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = await readFile(path.join(dist, asset.file));
    cache.set(name, body);
  }
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' },
  });
}

const DEFAULT_QUERY = `# Welcome to Jarvis. Press the run button (or Ctrl-Enter) to execute.
# The docs explorer (top left) lists every type of the supergraph.
{
  health {
    name
    kind
    status
    latencyMs
  }
}
`;

export function graphiqlPage(endpoint = '/graphql'): Response {
  const options = JSON.stringify({
    endpoint,
    title: 'Jarvis',
    query: DEFAULT_QUERY,
    subscriptionsProtocol: 'WS',
  }).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jarvis GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script>
  globalThis.MonacoEnvironment = {
    getWorker(_id, label) {
      const file = label === 'graphql' ? 'graphql' : label === 'json' ? 'json' : 'editor';
      return new Worker('/graphiql/' + file + '.worker.js', { type: 'module' });
    },
  };
</script>
<script src="/graphiql/graphiql.js"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), ${options});</script>
</body>
</html>`;
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** Browsers asking for a page get GraphiQL; GraphQL clients get GraphQL. */
export function wantsGraphiql(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}
