import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, getOperationAST, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { jarvisError, networkError } from './jarvisErrors.ts';

export interface JarvisClientOptions {
  /** The router's origin, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Sent as `authorization: Bearer <apiKey>` (and in `connection_init` on WebSockets). */
  apiKey?: string;
  /** A fetch-style function (tests pass a router's own `fetch`, with no port). */
  fetch?: (request: Request) => Promise<Response>;
}

type Generated = { __meta__?: { hash?: string } };

export interface JarvisClient extends AsyncDisposable {
  readonly url: string;
  readonly apiKey: string | undefined;
  /**
   * Runs one generated operation; the result and variable types follow its selection. It goes
   * by its registered id (`documentId`), so it runs on a router that accepts trusted documents
   * only; errors are thrown as typed JarvisRequestErrors (NotFoundError, ConflictError, …), and a
   * Jarvis that cannot be reached as JarvisNetworkError.
   */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult>;
  /**
   * Subscribes over graphql-ws (by the document's hash). The socket reconnects after a drop and
   * resubscribes; streams that replay (workflow run events) repeat what was already seen, which
   * the caller drops by sequence. Ends when the iterator is returned from.
   */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): AsyncIterableIterator<TResult>;
  /** HTTP headers for Jarvis's own routes (uploads, downloads). */
  headers(): Record<string, string>;
  /** A request to one of Jarvis's own routes (`/storage/…`), with the credentials; network failures as JarvisNetworkError. */
  fetchRoute(path: string, init?: RequestInit): Promise<Response>;
  /** Closes the WebSocket, if one was opened. */
  close(): Promise<void>;
}

export function createJarvisClient(options: JarvisClientOptions): JarvisClient {
  const url = options.url.replace(/\/$/, '');
  const endpoint = `${url}/graphql`;
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  let socket: Client | undefined;

  const documentParams = (document: DocumentNode) => {
    const hash = (document as Generated).__meta__?.hash;
    const operationName = getOperationAST(document)?.name?.value;
    return { hash, operationName };
  };

  const close = async () => {
    const open = socket;
    socket = undefined;
    await open?.dispose();
  };

  return {
    url,
    apiKey: options.apiKey,
    headers: () => ({ ...auth }),
    async fetchRoute(path, init = {}) {
      try {
        return await send(
          new Request(new URL(path, `${url}/`), {
            ...init,
            headers: { ...auth, ...(init.headers as Record<string, string>) },
          }),
        );
      } catch (error) {
        if (init.signal?.aborted) throw init.signal.reason;
        throw networkError(url, error);
      }
    },
    async request(document, variables) {
      const { hash, operationName } = documentParams(document as DocumentNode);
      const body = hash
        ? { documentId: hash, operationName, variables }
        : { query: print(document as DocumentNode), operationName, variables };
      let response: Response;
      try {
        response = await send(
          new Request(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...auth },
            body: JSON.stringify(body),
          }),
        );
      } catch (error) {
        throw networkError(url, error);
      }
      let result: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      try {
        result = (await response.json()) as typeof result;
      } catch (error) {
        if (response.ok) throw networkError(url, error);
        throw jarvisError(`Jarvis answered HTTP ${response.status} without a GraphQL body`, {
          code: response.status >= 500 ? 'BACKEND_UNAVAILABLE' : 'BAD_REQUEST',
          http: { status: response.status },
        });
      }
      const [first] = result.errors ?? [];
      if (first) throw jarvisError(first.message, first.extensions);
      return result.data as never;
    },
    subscribe(document, variables) {
      socket ??= createClient({
        url: endpoint.replace(/^http/, 'ws'),
        connectionParams: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        lazy: true,
        retryAttempts: 12,
        // 0.25 s doubling to 4 s, with jitter so many clients do not come back at once.
        retryWait: (retries) =>
          new Promise((resolve) =>
            setTimeout(resolve, Math.min(4_000, 250 * 2 ** retries) * (0.75 + Math.random() / 2)),
          ),
        shouldRetry: () => true,
      });
      const { hash, operationName } = documentParams(document as DocumentNode);
      const iterator = socket.iterate<TResultOf<typeof document>>({
        // graphql-ws requires a query string; an empty one with the hash names a registered document.
        query: hash ? '' : print(document as DocumentNode),
        operationName,
        variables: variables as Record<string, unknown>,
        ...(hash
          ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, '') } } }
          : {}),
      });
      const next = async () => {
        let step: IteratorResult<{
          data?: unknown;
          errors?: readonly { message: string; extensions?: unknown }[];
        }>;
        try {
          step = await iterator.next();
        } catch (error) {
          throw subscriptionError(url, error);
        }
        if (step.done) return { done: true as const, value: undefined };
        const [first] = step.value.errors ?? [];
        if (first) {
          await iterator.return?.();
          throw jarvisError(first.message, (first.extensions ?? {}) as Record<string, unknown>);
        }
        return { done: false as const, value: step.value.data as never };
      };
      const typed: AsyncIterableIterator<never> = {
        next,
        async return() {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return typed;
        },
      };
      return typed;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

type TResultOf<T> = T extends TypedDocumentNode<infer R, unknown> ? R : never;

/** graphql-ws rejects with GraphQL errors (an array), a CloseEvent or an Error. */
function subscriptionError(url: string, error: unknown) {
  if (Array.isArray(error) && error[0] && typeof error[0] === 'object') {
    const first = error[0] as { message: string; extensions?: Record<string, unknown> };
    return jarvisError(first.message, first.extensions ?? {});
  }
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    const { code, reason } = error as { code: number; reason: string };
    if (code === 4403 || code === 4401)
      return jarvisError(`Jarvis refused the WebSocket's credentials: ${reason || code}`, {
        code: 'UNAUTHENTICATED',
      });
    return networkError(url, new Error(`WebSocket closed with ${code}${reason ? ` ${reason}` : ''}`));
  }
  return networkError(url, error);
}
