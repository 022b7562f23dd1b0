import { auditTopic } from '@jarvis/audit';
import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';

/** The identity subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  auditEventRecorded: {
    topic: (_args, context) => auditTopic(context.principal.projectId),
  },
};

/** Audit events carry their data; no entity is fetched for them. */
export const entityQueries: EntityQueries = {};
