import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';

/** Where a project's alert changes go; the router subscribes there for `alertsChanged`. */
export const alertsTopic = (projectId: string) => `analytics.alerts.${projectId}`;

export interface AlertChangePayload {
  state: 'FIRING' | 'RESOLVED';
  at: string;
  ruleId: string;
  alert: { id: string };
}

export const subscriptionFields: Record<string, SubscriptionField> = {
  alertsChanged: {
    topic: (_args, context) => alertsTopic(context.principal.projectId),
    filter: (args, payload) => !args.ruleId || (payload as AlertChangePayload).ruleId === args.ruleId,
  },
};

export const entityQueries: EntityQueries = {
  Alert: 'query($entityId: ID!) { entity: alert(id: $entityId) SELECTION }',
};
