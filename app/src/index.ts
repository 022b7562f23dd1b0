export { backendChecks } from './backendChecks.ts';
export {
  API_SCHEMA_FILE,
  composeCommittedApiSchema,
  composeCommittedSupergraph,
  readCommittedApiSchema,
  readCommittedSupergraph,
  SUPERGRAPH_FILE,
  writeCommittedSupergraph,
} from './committedSupergraph.ts';
export { createJarvis, type Jarvis, type JarvisOptions } from './createJarvis.ts';
export { createRuntime, type Runtime } from './createRuntime.ts';
export { exposureProblem } from './exposureCheck.ts';
export { routerOverSubgraphs } from './routerOverSubgraphs.ts';
export { defaultSubgraphUrl, ENTITY_QUERIES, SUBGRAPHS } from './subgraphCatalog.ts';
export { TRUSTED_DOCUMENTS } from './trustedDocuments.ts';
