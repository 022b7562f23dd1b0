export { DateTimeResolver as DateTimeScalar, JSONResolver as JSONScalar } from 'graphql-scalars';
export type { ArtifactPort, PortArtifact } from './artifactPort.ts';
export { batchedLoad } from './batchedLoad.ts';
export {
  type Connection,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  listConnection,
  MAX_PAGE_SIZE,
  pageSize,
  toConnection,
} from './connection.ts';
export { createOnce, type IdempotencyStamp } from './createOnce.ts';
export {
  defineSubgraph,
  type Subgraph,
  type SubgraphDefinition,
  type SubgraphParts,
} from './defineSubgraph.ts';
export { loadTypeDefs } from './loadTypeDefs.ts';
export { MlflowParams } from './mlflowParams.ts';
export { mlflowEndpointNotFound, mlflowRoute } from './mlflowRoute.ts';
export { newestFirstPage } from './newestFirstPage.ts';
export {
  lazyWebStream,
  nodeBodyOf,
  requestBody,
  streamResponse,
  textBodyOf,
  textResponse,
  withNodeBody,
} from './nodeBodies.ts';
export {
  ALERT_CHANGED_TOPIC,
  type AlertChanged,
  API_KEY_REVOKED_TOPIC,
  type ApiKeyRevoked,
  ARTIFACT_CREATED_TOPIC,
  type ArtifactCreated,
  MODEL_ALIAS_MOVED_TOPIC,
  MODEL_REGISTRY_EVENT_TOPIC,
  type ModelAliasMoved,
  type ModelRegistryEvent,
  WORKFLOW_RUN_ENDED_TOPIC,
  type WorkflowRunEnded,
} from './platformTopics.ts';
export { BodyTooLargeError, readBody, readBodyBytes, tooLarge } from './readBody.ts';
export type {
  BackupFile,
  CreateSubgraph,
  EntityQueries,
  HttpRoute,
  SubgraphBackup,
  SubgraphContext,
  SubgraphDeps,
  SubgraphModule,
  SubscriptionField,
} from './subgraphModule.ts';
export { subscriptionResolvers } from './subscriptionResolvers.ts';
