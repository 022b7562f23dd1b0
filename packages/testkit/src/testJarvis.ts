import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJarvis, type Jarvis, type JarvisOptions } from '@jarvis/app';
import { type JarvisConfigInput, parseConfig } from '@jarvis/config';
import { serveFetch } from '@jarvis/router';

/** A whole `jarvis dev` in this process, on in-memory PGlite, torn down with `await using`. */
export async function testJarvis(
  overrides: JarvisConfigInput = {},
  options: JarvisOptions = {},
): Promise<Jarvis & AsyncDisposable> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'jarvis-test-'));
  const config = parseConfig(
    { home, database: { url: 'pglite:memory' }, log: { level: 'silent' }, ...overrides },
    'test',
    {},
  );
  const jarvis = await createJarvis(config, options);
  return Object.assign(jarvis, {
    async [Symbol.asyncDispose]() {
      await jarvis.stop();
      rmSync(home, { recursive: true, force: true });
    },
  });
}

/** A test Jarvis on a loopback port, for peers that need a URL (the mlflow Python client). */
export async function servedJarvis(
  overrides: JarvisConfigInput = {},
  options: JarvisOptions & { port?: number } = {},
): Promise<Jarvis & AsyncDisposable & { url: string }> {
  const { port = 0, ...jarvisOptions } = options;
  const jarvis = await testJarvis(overrides, jarvisOptions);
  const server = await serveFetch(jarvis.router.fetch, {
    host: '127.0.0.1',
    port,
    websockets: jarvis.router.websockets,
  }).catch(async (error) => {
    await jarvis[Symbol.asyncDispose]();
    throw error;
  });
  const dispose = jarvis[Symbol.asyncDispose];
  return Object.assign(jarvis, {
    url: server.url,
    async [Symbol.asyncDispose]() {
      await server.close();
      await dispose();
    },
  });
}

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** POSTs one operation to a fetch handler (in-process) or a base URL (over HTTP). */
export async function gql<T = Record<string, unknown>>(
  target: ((request: Request) => Promise<Response>) | string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T> & { status: number; headers: Headers }> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  };
  const response =
    typeof target === 'string'
      ? await fetch(`${target}/graphql`, init)
      : await target(new Request('http://jarvis.test/graphql', init));
  return {
    ...((await response.json()) as GraphQLResult<T>),
    status: response.status,
    headers: response.headers,
  };
}
