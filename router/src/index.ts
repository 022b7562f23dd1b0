export { backendChecks } from './backendChecks.ts';
export {
  composeCommittedSupergraph,
  readCommittedSupergraph,
  SUPERGRAPH_FILE,
  writeCommittedSupergraph,
} from './committedSupergraph.ts';
export { composeSupergraph } from './composeSupergraph.ts';
export { createJarvis, type Jarvis, type JarvisOptions } from './createJarvis.ts';
export { createRouter, type Router, type RouterOptions, type RouterSubgraph } from './createRouter.ts';
export { createRuntime, type Runtime } from './createRuntime.ts';
export { createSubgraphServer, type SubgraphServer } from './createSubgraphServer.ts';
export { type FetchServer, serveFetch } from './serveFetch.ts';
export { defaultSubgraphUrl, ENTITY_QUERIES, SUBGRAPHS } from './subgraphCatalog.ts';
