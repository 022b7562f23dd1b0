import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { authorization, signedOut } from './signIn.ts';

/** A GraphQL error as the console shows it: the message, its code, and where it points. */
export class ApiError extends Error {
  readonly code: string;
  readonly extensions: Record<string, unknown>;
  constructor(message: string, code: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
  /** Where in a filter the error is (0-based), when the server says. */
  get position(): number | undefined {
    const position = this.extensions.position;
    return typeof position === 'number' ? position : undefined;
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

/** A document of the console's is only its hash: the router has the text (trusted documents). */
const documentId = (document: TypedDocumentNode<unknown, never>) =>
  (document as unknown as { __meta__: { hash: string } }).__meta__.hash;

function errorOf(errors: GraphQLErrorBody[]): ApiError {
  const [first] = errors;
  return new ApiError(
    first?.message ?? 'the request failed',
    first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    first?.extensions ?? {},
  );
}

async function headers(): Promise<Record<string, string>> {
  const auth = await authorization();
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(auth ? { authorization: auth } : {}),
  };
}

/** Runs a query or mutation of the console's; GraphQL errors become an ApiError. */
export async function request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: await headers(),
    body: JSON.stringify({ documentId: documentId(document as never), variables }),
  });
  if (response.status === 401) signedOut();
  const body = (await response.json().catch(() => ({}))) as {
    data?: R;
    errors?: GraphQLErrorBody[];
    error?: string;
  };
  if (body.errors?.length) throw errorOf(body.errors);
  if (!response.ok || !body.data)
    throw new ApiError(
      body.error ?? `the server answered HTTP ${response.status}`,
      `HTTP_${response.status}`,
    );
  return body.data;
}

export interface Subscription {
  close(): void;
}

/**
 * A subscription over GraphQL-over-SSE (distinct connections): fetch, so the Authorization
 * header goes along, which EventSource cannot send. It reconnects after a dropped connection
 * with `resume()` telling it where to pick up.
 */
export function subscribe<R, V>(
  document: TypedDocumentNode<R, V>,
  variables: V | (() => V),
  handlers: { next(data: R): void; error?(error: ApiError): void },
): Subscription {
  const stop = new AbortController();
  const run = async () => {
    for (let attempt = 0; !stop.signal.aborted; attempt++) {
      try {
        const response = await fetch('/graphql/stream', {
          method: 'POST',
          headers: { ...(await headers()), accept: 'text/event-stream' },
          body: JSON.stringify({
            documentId: documentId(document as never),
            variables: typeof variables === 'function' ? (variables as () => V)() : variables,
          }),
          signal: stop.signal,
        });
        if (!response.ok || !response.body) {
          const body = (await response.json().catch(() => ({}))) as { errors?: GraphQLErrorBody[] };
          if (response.status === 401) signedOut();
          handlers.error?.(
            body.errors ? errorOf(body.errors) : new ApiError(`HTTP ${response.status}`, 'HTTP'),
          );
          return;
        }
        attempt = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            const event = /^event: *(.*)$/m.exec(message)?.[1];
            const data = [...message.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
            if (event === 'complete') return;
            if (event !== 'next' || !data) continue;
            const result = JSON.parse(data) as { data?: R; errors?: GraphQLErrorBody[] };
            if (result.errors?.length) handlers.error?.(errorOf(result.errors));
            else if (result.data) handlers.next(result.data);
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        if (attempt > 5) {
          handlers.error?.(new ApiError(`live updates stopped: ${(error as Error).message}`, 'NETWORK'));
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 10_000)));
    }
  };
  void run();
  return { close: () => stop.abort() };
}
