export { type FetchServer, serveFetch } from './adapters/serveFetch.ts';
export { type Authenticate, type IdentityResolver, PROJECT_HEADER } from './auth/authenticator.ts';
export { remoteIdentity } from './auth/remoteIdentity.ts';
export { composeApiSchema, composeSupergraph } from './composeSupergraph.ts';
export { createRouter, type Router, type RouterOptions, type RouterSubgraph } from './createRouter.ts';
export {
  createSubgraphServer,
  type SubgraphServer,
  type SubgraphServerDeps,
} from './createSubgraphServer.ts';
export { type ListSize, type ListSizes, listSizesOf } from './operations/listSizes.ts';
