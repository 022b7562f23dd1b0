import type { HTTPGraphQLResponse } from '@apollo/server';
import type { Principal } from '@jarvis/context';
import { getOperationAST, type OperationTypeNode, parse } from 'graphql';

/** Operation types by document text and operation name, so deciding costs one lookup. */
const TYPES_CACHED = 1_000;

export interface InflightOperations {
  /**
   * Runs `execute`, unless an identical query is already running: then its answer is shared.
   * Identical means the same caller (principal), the same request (method, body or query
   * string, and the headers an answer can depend on) and a query, never a mutation: two
   * clients asking the same thing at the same instant get one execution, as Hive Gateway's
   * inbound deduplication does. The answer is the same either way, since either could have run
   * first; only the work is saved.
   */
  share(
    request: Request,
    principal: Principal,
    operation: { query?: string; operationName?: string | null } | undefined,
    payload: string,
    execute: () => Promise<HTTPGraphQLResponse>,
  ): Promise<HTTPGraphQLResponse>;
}

export function inflightOperations(options: { maxTokens: number }): InflightOperations {
  const running = new Map<string, Promise<HTTPGraphQLResponse>>();
  const types = new Map<string, OperationTypeNode | null>();
  const typeOf = (query: string, operationName: string | null | undefined) => {
    const cacheKey = `${operationName ?? ''}\n${query}`;
    let type = types.get(cacheKey);
    if (type === undefined) {
      try {
        type =
          getOperationAST(parse(query, { maxTokens: options.maxTokens }), operationName)?.operation ?? null;
      } catch {
        type = null; // Apollo Server reports the syntax error itself
      }
      if (types.size >= TYPES_CACHED) types.delete(types.keys().next().value!);
      types.set(cacheKey, type);
    }
    return type;
  };
  return {
    share(request, principal, operation, payload, execute) {
      const headers = request.headers;
      if (
        typeof operation?.query !== 'string' ||
        (headers.get('accept') ?? '').includes('multipart') || // incremental delivery streams its own parts
        typeOf(operation.query, operation.operationName) !== 'query'
      )
        return execute();
      const key = [
        request.method,
        principal.kind,
        principal.userId,
        principal.projectId,
        principal.roles.join(),
        principal.scopes?.join() ?? '*',
        principal.keyId ?? '',
        headers.get('host') ?? '',
        headers.get('x-forwarded-host') ?? '',
        headers.get('x-forwarded-proto') ?? '',
        headers.get('accept') ?? '',
        payload,
      ].join('\n');
      let pending = running.get(key);
      if (!pending) {
        pending = execute().finally(() => running.delete(key));
        running.set(key, pending);
      }
      return pending;
    },
  };
}
