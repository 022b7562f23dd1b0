import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { RequestContext } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { sendSubgraphRequest, subgraphFetcher } from './subgraphFetcher.ts';

/** The error a caller sees when a subgraph does not answer: which service, never its address. */
export function subgraphUnavailable(name: string): JarvisError {
  return new JarvisError(
    ErrorCode.BACKEND_UNAVAILABLE,
    `the ${name} service is not answering; the rest of the answer is complete. Retry shortly, or check it with \`jarvis doctor\``,
    { service: name },
  );
}

/**
 * A subgraph behind `jarvis serve <name>`, called over HTTP. When it cannot be reached the
 * caller gets BACKEND_UNAVAILABLE naming the service (with partial data for the rest), and the
 * operator's log gets the address and the cause.
 */
export class RemoteSubgraphSource extends RemoteGraphQLDataSource<RequestContext & { headers?: Headers }> {
  private readonly name: string;
  private readonly vouch: (principal: RequestContext['principal']) => Promise<Record<string, string>>;

  /**
   * `vouch` signs who is calling for the subgraph, which trusts nothing else; `share` lets
   * identical requests in flight share one answer (router.deduplication.subgraph_requests).
   */
  constructor(
    name: string,
    url: string,
    vouch: (principal: RequestContext['principal']) => Promise<Record<string, string>> = async () => ({}),
    share = true,
  ) {
    super({ url, fetcher: share ? subgraphFetcher : sendSubgraphRequest });
    this.name = name;
    this.vouch = vouch;
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<
    NonNullable<RemoteGraphQLDataSource<RequestContext & { headers?: Headers }>['willSendRequest']>
  >[0]) {
    request.http?.headers.set('x-request-id', context.requestId);
    if (context.clientAddress) request.http?.headers.set('x-jarvis-client-address', context.clientAddress);
    for (const [header, value] of Object.entries(await this.vouch(context.principal)))
      request.http?.headers.set(header, value);
  }

  override didEncounterError(
    error: Error,
    fetchRequest: Parameters<RemoteGraphQLDataSource['didEncounterError']>[1],
    fetchResponse?: Parameters<RemoteGraphQLDataSource['didEncounterError']>[2],
    context?: RequestContext,
  ): void {
    // No response at all (refused, reset, DNS) or a proxy's 502/503/504: the service is away.
    if (!fetchResponse || [502, 503, 504].includes(fetchResponse.status)) {
      context?.logger?.warn(
        { subgraph: this.name, url: fetchRequest.url, cause: error.message },
        'subgraph not answering',
      );
      throw subgraphUnavailable(this.name);
    }
    super.didEncounterError(error, fetchRequest, fetchResponse, context);
  }
}
