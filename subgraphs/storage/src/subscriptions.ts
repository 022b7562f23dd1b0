import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';

/** Where a project's new artifact versions go; the router subscribes there for `artifactCreated`. */
export const artifactsTopic = (projectId: string) => `storage.artifacts.${projectId}`;

/** An ArtifactEvent as published: enough to filter on; the router fetches `artifact` itself. */
export interface ArtifactEvent {
  name: string;
  kind: string;
  at: Date;
  artifact: { id: string };
}

/** The storage subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  artifactCreated: {
    topic: (_args, context) => artifactsTopic(context.principal.projectId),
    filter: (args, payload) => {
      const event = payload as ArtifactEvent;
      return (!args.name || args.name === event.name) && (!args.kind || args.kind === event.kind);
    },
  },
};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  Artifact: 'query($entityId: ID!) { entity: artifact(id: $entityId) SELECTION }',
};
