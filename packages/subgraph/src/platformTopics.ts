/**
 * Pubsub topics one subgraph publishes and another listens to (not GraphQL subscriptions).
 * Payloads are JSON.
 */

/** Storage publishes every new artifact version here; workflows' event triggers listen. */
export const ARTIFACT_CREATED_TOPIC = 'platform.artifact.created';

export interface ArtifactCreated {
  projectId: string;
  artifactId: string;
  name: string;
  kind: string;
  version: number;
}
