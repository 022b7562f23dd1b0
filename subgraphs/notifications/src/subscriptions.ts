import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';
import type { NotificationRecord, NotificationStatus } from './records.ts';

/** Where a project's notification changes go; the router subscribes there for `notificationsChanged`. */
export const notificationsTopic = (projectId: string) => `notifications.outbox.${projectId}`;

/** A NotificationChange as published: enough to filter on; the router fetches `notification` itself. */
export interface NotificationChange {
  status: NotificationStatus;
  channelId: string;
  at: Date;
  notification: { id: string };
}

export const notificationChange = (
  notification: NotificationRecord,
  status: NotificationStatus,
): NotificationChange => ({
  status,
  channelId: notification.channelId,
  at: new Date(),
  notification: { id: notification.id },
});

/** The notifications subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  notificationsChanged: {
    topic: (_args, context) => notificationsTopic(context.principal.projectId),
    filter: (args, payload) =>
      !args.channelId || (payload as NotificationChange).channelId === args.channelId,
  },
};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  Notification: 'query($entityId: ID!) { entity: notification(id: $entityId) SELECTION }',
};
