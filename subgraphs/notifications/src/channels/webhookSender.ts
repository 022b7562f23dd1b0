import { createHmac } from 'node:crypto';
import { type ChannelSender, postJson } from './channelSender.ts';

/**
 * A JSON POST: `{ id, event, subject, text, data, at }`. With a secret, `x-jarvis-signature` is
 * `sha256=<hex HMAC-SHA256 of "<x-jarvis-timestamp>.<body>">`, so a receiver can check both who
 * sent it and that it is not a replay; `x-jarvis-delivery` (the notification id) lets it drop a
 * repeat after a retry.
 */
export const webhookSender: ChannelSender = async (channel, message) => {
  const body = JSON.stringify({
    id: message.id,
    event: message.event,
    subject: message.subject,
    text: message.body,
    data: message.data,
    at: message.at.toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'x-jarvis-event': message.event,
    'x-jarvis-delivery': message.id,
    'x-jarvis-timestamp': timestamp,
  };
  if (channel.secret)
    headers['x-jarvis-signature'] = `sha256=${webhookSignature(channel.secret, timestamp, body)}`;
  const { status } = await postJson(channel.url!, body, headers, channel.timeoutMs);
  return { responseCode: status };
};

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
