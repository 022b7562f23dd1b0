export { type FetchServer, serveFetch } from './adapters/serveFetch.ts';
export { composeSupergraph } from './composeSupergraph.ts';
export { createRouter, type Router, type RouterOptions, type RouterSubgraph } from './createRouter.ts';
export {
  createSubgraphServer,
  type SubgraphServer,
  type SubgraphServerDeps,
} from './createSubgraphServer.ts';
export { type ListSize, type ListSizes, listSizesOf } from './operations/listSizes.ts';
