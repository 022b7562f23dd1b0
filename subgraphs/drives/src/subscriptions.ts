import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';

/** The drives subgraph's subscriptions: none yet (transfer progress comes with import and export). */
export const subscriptionFields: Record<string, SubscriptionField> = {};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  Drive: 'query($entityId: ID!) { entity: drive(id: $entityId) SELECTION }',
};
