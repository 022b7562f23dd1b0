import { gql, liveSubscription, servedJarvis, waitFor } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { webhookReceiver } from './webhookReceiver.ts';

interface Change {
  status: string;
  at: string;
  notification: { id: string; attempts: number; channel: { name: string } };
}

it('notificationsChanged follows a notification from the queue through a failed attempt to delivery, for one channel', async () => {
  // The receiver is down for the first attempt, then up.
  const receiver = await webhookReceiver((_hook, count) => (count === 1 ? 503 : 200));
  await using jarvis = await servedJarvis({
    services: { notifications: { initial_backoff_ms: 50, poll_interval_ms: 50, max_attempts: 3 } },
  });
  try {
    const channel = async (name: string) => {
      const result = await gql<{ createChannel: { id: string } }>(
        jarvis.router.fetch,
        'mutation($input: ChannelInput!) { createChannel(input: $input) { id } }',
        { input: { name, kind: 'WEBHOOK', url: receiver.url } },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.createChannel.id;
    };
    const watched = await channel('ops');
    const other = await channel('other');
    await using stream = await liveSubscription<{ notificationsChanged: Change }>(
      jarvis,
      'subscription($channelId: ID) { notificationsChanged(channelId: $channelId) { status at notification { id attempts channel { name } } } }',
      { channelId: watched },
    );
    const send = async (channelId: string) => {
      const result = await gql<{ sendTestNotification: { id: string } }>(
        jarvis.router.fetch,
        'mutation($channelId: ID!) { sendTestNotification(channelId: $channelId) { id } }',
        { channelId },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.sendTestNotification.id;
    };
    const id = await send(watched);
    const changes = (
      await stream.until((events) => events.some((e) => e.data?.notificationsChanged.status === 'DELIVERED'))
    ).map((e) => e.data!.notificationsChanged);
    expect(changes.map((c) => [c.status, c.notification.id, c.notification.channel.name])).toEqual([
      ['PENDING', id, 'ops'],
      ['PENDING', id, 'ops'],
      ['DELIVERED', id, 'ops'],
    ]);
    // Each event carries the notification as it was when the event went out.
    expect(changes.at(-1)!.notification.attempts).toBe(2);
    // Another channel's notification, delivered, is not this subscriber's.
    await send(other);
    await waitFor(
      'the other channel’s notification to be delivered',
      async () => receiver.received.length === 3,
    );
    expect(stream.events.length).toBe(3);
  } finally {
    await receiver.close();
  }
});
