import { DateTimeScalar, JSONScalar } from '@jarvis/subgraph';
import type { Resolvers } from '../generated/resolvers.ts';
import type { NotificationsService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: NotificationsService): Resolvers {
  return {
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    Query: {
      channels: (_p, { first, after }, ctx) => service.channels(ctx.principal, first, after),
      channel: async (_p, { id }, ctx) => (await service.channel(ctx.principal, id)) ?? null,
      notificationRules: (_p, { first, after }, ctx) => service.rules(ctx.principal, first, after),
      notifications: (_p, args, ctx) => service.notifications(ctx.principal, args),
      notification: async (_p, { id }, ctx) => (await service.notification(ctx.principal, id)) ?? null,
    },
    Mutation: {
      createChannel: (_p, { input, idempotencyKey }, ctx) =>
        service.createChannel(ctx.principal, input, idempotencyKey),
      deleteChannel: (_p, { id }, ctx) => service.deleteChannel(ctx.principal, id),
      createNotificationRule: (_p, { input, idempotencyKey }, ctx) =>
        service.createRule(ctx.principal, input, idempotencyKey),
      deleteNotificationRule: (_p, { id }, ctx) => service.deleteRule(ctx.principal, id),
      sendTestNotification: (_p, { channelId }, ctx) => service.sendTest(ctx.principal, channelId),
    },
    Channel: {
      __resolveReference: async (ref, ctx) => (await service.channel(ctx.principal, ref.id)) ?? null,
      // Slack's webhook URL is its credential: show where it goes, not the path.
      url: (channel) =>
        channel.kind === 'SLACK' && channel.url ? `${new URL(channel.url).origin}/…` : channel.url,
      signed: (channel) => Boolean(channel.secret),
      notifications: (channel, { first, after }, ctx) =>
        service.notifications(ctx.principal, { channelId: channel.id, first, after }),
    },
    NotificationRule: {
      __resolveReference: async (ref, ctx) => (await service.rule(ctx.principal, ref.id)) ?? null,
    },
    Notification: {
      __resolveReference: async (ref, ctx) => (await service.notification(ctx.principal, ref.id)) ?? null,
      channel: async (n, _a, ctx) => (await service.channel(ctx.principal, n.channelId)) ?? null,
      deliveries: (n) => service.deliveries(n.id),
    },
  };
}
