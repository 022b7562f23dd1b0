import type { JarvisConfig } from '@jarvis/config';
import { createRouter, type Router } from '@jarvis/router';
import type { Runtime } from './createRuntime.ts';
import { defaultSubgraphUrl, ENTITY_QUERIES, SUBGRAPHS } from './subgraphCatalog.ts';
import { TRUSTED_DOCUMENTS } from './trustedDocuments.ts';

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
  const router = createRouter({
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    health: runtime.health,
    pubsub: runtime.pubsub,
    subgraphs,
    entityQueries: ENTITY_QUERIES,
    documents: TRUSTED_DOCUMENTS,
  });
  return { router, urls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])) };
}
