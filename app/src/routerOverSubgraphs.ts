import type { JarvisConfig } from '@jarvis/config';
import { createRouter, type Router, remoteIdentity } from '@jarvis/router';
import type { Runtime } from './createRuntime.ts';
import { defaultSubgraphUrl, ENTITY_QUERIES, SUBGRAPHS } from './subgraphCatalog.ts';
import { TRUSTED_DOCUMENTS } from './trustedDocuments.ts';
import { consoleOption } from './webConsole.ts';

/**
 * `jarvis serve router`: the router alone, over every subgraph at its URL
 * (`server.subgraphs`, or its name in the compose stack), each one a health check.
 */
export function routerOverSubgraphs(
  config: JarvisConfig,
  runtime: Runtime,
): { router: Router; urls: Record<string, string> } {
  const subgraphs = SUBGRAPHS.map((s) => ({
    name: s.name,
    typeDefs: s.typeDefs,
    url: config.server.subgraphs[s.name] ?? defaultSubgraphUrl(s.name),
    routePrefixes: s.routePrefixes,
  }));
  for (const s of subgraphs) {
    runtime.health.register({
      name: s.name,
      kind: 'SERVICE',
      check: async () => {
        // /health answers without credentials: a subgraph's GraphQL takes only the router's calls.
        const health = s.url.replace(/\/graphql\/?$/, '/health');
        const response = await fetch(health, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) throw new Error(`${health} answered HTTP ${response.status}`);
        return s.url;
      },
    });
  }
  const secret = config.auth.internal_secret;
  if (config.auth.mode !== 'local' && !secret)
    throw new Error(
      `auth.mode is ${config.auth.mode}: set auth.internal_secret (32+ characters, the same for the router and every subgraph) so the router can vouch for callers to the subgraphs`,
    );
  const identityUrl = subgraphs.find((s) => s.name === 'identity')!.url;
  const identity = secret ? remoteIdentity(identityUrl, secret) : undefined;
  const router = createRouter({
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    health: runtime.health,
    pubsub: runtime.pubsub,
    subgraphs,
    entityQueries: ENTITY_QUERIES,
    documents: TRUSTED_DOCUMENTS,
    ...consoleOption(config, runtime.logger),
    ...(identity ? { identity: () => identity } : {}),
  });
  return { router, urls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])) };
}
