import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, getOperationAST, print } from 'graphql';

/** A GraphQL error from Jarvis, as an exception: `code` is its `extensions.code`. */
export class JarvisRequestError extends Error {
  readonly code: string;
  readonly extensions: Record<string, unknown>;
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'JarvisRequestError';
    this.code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    this.extensions = extensions;
  }
}

export interface JarvisClientOptions {
  /** The router's origin, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Sent as `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** A fetch-style function (tests pass a router's own `fetch`, with no port). */
  fetch?: (request: Request) => Promise<Response>;
}

type Generated = { __meta__?: { hash?: string } };

export interface JarvisClient {
  /**
   * Runs one generated operation; the result and variable types follow its selection. It goes
   * by its registered id (`documentId`), so it runs on a router that accepts trusted documents
   * only; errors are thrown as JarvisRequestError.
   */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult>;
}

export function createJarvisClient(options: JarvisClientOptions): JarvisClient {
  const endpoint = `${options.url.replace(/\/$/, '')}/graphql`;
  const send = options.fetch ?? ((request: Request) => fetch(request));
  return {
    async request(document, variables) {
      const hash = (document as Generated).__meta__?.hash;
      const operationName = getOperationAST(document as DocumentNode)?.name?.value;
      const body = hash
        ? { documentId: hash, operationName, variables }
        : { query: print(document as DocumentNode), operationName, variables };
      const response = await send(
        new Request(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
        }),
      );
      let result: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      try {
        result = (await response.json()) as typeof result;
      } catch {
        throw new JarvisRequestError(`Jarvis answered HTTP ${response.status} without a GraphQL body`, {
          code: response.status >= 500 ? 'BACKEND_UNAVAILABLE' : 'BAD_REQUEST',
        });
      }
      const [first] = result.errors ?? [];
      if (first) throw new JarvisRequestError(first.message, first.extensions);
      return result.data as never;
    },
  };
}
