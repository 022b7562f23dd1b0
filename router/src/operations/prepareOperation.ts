import { asValidationError } from '@jarvis/errors';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from 'graphql';
import type { OperationLimiter, OperationLimits } from './operationLimits.ts';
import type { OperationParams, TrustedDocuments } from './trustedDocuments.ts';

export interface PreparedOperation {
  document: DocumentNode;
  operationName: string | null | undefined;
  variableValues: Record<string, unknown>;
}

export type PrepareOperation = (params: OperationParams) => PreparedOperation | readonly GraphQLError[];

/** Parsed and validated documents kept per schema (a graphql-ws or SSE client sends text each time). */
const CACHE_SIZE = 1_000;

/**
 * What the router's WebSocket and SSE endpoints run before an operation, as Apollo Server does
 * for HTTP: trusted documents, parse, validate, limits. Identical documents parse once and come
 * back as the same DocumentNode, which subscription dedup keys on.
 */
export function operationPreparer(options: {
  schema(): GraphQLSchema;
  documents: TrustedDocuments;
  limits: OperationLimits;
  check: OperationLimiter;
}): PrepareOperation {
  const caches = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();
  return (params) => {
    let resolved: OperationParams;
    try {
      resolved = options.documents.resolve(params);
    } catch (error) {
      return [error as GraphQLError];
    }
    if (!resolved.query)
      return [
        new GraphQLError('no document: send `query`, or the `documentId` of a registered document', {
          extensions: { code: 'BAD_REQUEST' },
        }),
      ];
    const schema = options.schema();
    let cache = caches.get(schema);
    if (!cache) {
      cache = new Map();
      caches.set(schema, cache);
    }
    let document = cache.get(resolved.query);
    if (!document) {
      try {
        document = parse(resolved.query, { maxTokens: options.limits.max_tokens });
      } catch (error) {
        const e = error as GraphQLError;
        return [new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
      }
      const errors = validate(schema, document);
      if (errors.length) return errors.map(asValidationError);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(resolved.query, document);
    }
    const operation = getOperationAST(document, resolved.operationName);
    if (!operation)
      return [
        new GraphQLError('name the operation to run with operationName', {
          extensions: { code: 'BAD_REQUEST' },
        }),
      ];
    const variableValues = resolved.variables ?? {};
    const exceeded = options.check(schema, document, operation, variableValues);
    if (exceeded) return [exceeded];
    return { document, operationName: resolved.operationName, variableValues };
  };
}
