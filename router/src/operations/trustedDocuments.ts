import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode, JarvisError } from '@jarvis/errors';

/** What a GraphQL request names its document with. */
export interface OperationParams {
  query?: string;
  documentId?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: { persistedQuery?: { version?: number; sha256Hash?: string } } & Record<string, unknown>;
}

export interface TrustedDocuments {
  /** Registered documents, by sha256 of their text. */
  readonly size: number;
  /**
   * The request with its document's text: a registered `documentId` (or persisted query hash)
   * is replaced by its document; in `trusted` mode any other document is refused. Automatic
   * persisted queries for unregistered documents are left to Apollo Server.
   */
  resolve(params: OperationParams): OperationParams;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Reads manifests in the two shapes generators write: `{ "<hash>": "<document>" }` (GraphQL
 * Code Generator's client preset, `persistedDocuments: true`) and Apollo's persisted query
 * manifest (`{ format: "apollo-persisted-query-manifest", operations: [{ id, body }] }`).
 * Documents are keyed by the sha256 of their text, whatever id the manifest gave them, so a
 * hash can never point at a different document.
 */
export function loadManifests(files: string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`router.documents.manifests: cannot read ${file}: ${(error as Error).message}`);
    }
    const bodies =
      parsed && typeof parsed === 'object' && 'operations' in parsed && Array.isArray(parsed.operations)
        ? (parsed.operations as { body?: unknown }[]).map((o) => o.body)
        : Object.values(parsed as Record<string, unknown>);
    for (const body of bodies) {
      if (typeof body !== 'string')
        throw new Error(`router.documents.manifests: ${file} has an entry that is not a document`);
      documents.set(sha256(body), body);
    }
  }
  return documents;
}

export function trustedDocuments(
  documents: Map<string, string>,
  accept: 'all' | 'trusted',
): TrustedDocuments {
  const notTrusted = () =>
    new JarvisError(
      ErrorCode.FORBIDDEN,
      'this router runs only registered documents (router.documents.accept: trusted); send the documentId of an operation of the generated client',
      { reason: 'OPERATION_NOT_TRUSTED' },
    );
  return {
    size: documents.size,
    resolve(params) {
      const id = params.documentId ?? params.extensions?.persistedQuery?.sha256Hash;
      const hash = id?.replace(/^sha256:/, '');
      if (hash && !params.query) {
        const query = documents.get(hash);
        if (query) {
          const { persistedQuery: _registered, ...extensions } = params.extensions ?? {};
          return { ...params, query, extensions };
        }
        if (params.documentId)
          throw new JarvisError(ErrorCode.NOT_FOUND, `no registered document ${params.documentId}`, {
            reason: 'PERSISTED_DOCUMENT_NOT_FOUND',
          });
        if (accept === 'trusted') throw notTrusted();
        return params; // an automatic persisted query: Apollo Server looks it up
      }
      if (accept === 'trusted' && (!params.query || !documents.has(sha256(params.query)))) throw notTrusted();
      return params;
    },
  };
}
