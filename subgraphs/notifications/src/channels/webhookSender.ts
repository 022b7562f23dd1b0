import { createHmac } from 'node:crypto';
import { type ChannelSender, postJson } from './channelSender.ts';

/**
 * A JSON POST of `{ id, event, subject, text, data, at }`, signed by the Standard Webhooks spec
 * (standardwebhooks.com), so a receiver verifies it with an off-the-shelf library:
 * `webhook-id` (the notification id: the same on retries, so repeats can be dropped),
 * `webhook-timestamp` (seconds) and, with a secret, `webhook-signature: v1,<base64 HMAC-SHA256
 * of "<id>.<timestamp>.<body>">`. With `legacy` (one release, `services.notifications.
 * legacy_webhook_headers`), the earlier `x-jarvis-*` headers come too.
 */
export function webhookSender(options: { legacy: boolean }): ChannelSender {
  return async (channel, message) => {
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
      'webhook-id': message.id,
      'webhook-timestamp': timestamp,
      'x-jarvis-event': message.event,
    };
    if (channel.secret)
      headers['webhook-signature'] = `v1,${standardSignature(channel.secret, message.id, timestamp, body)}`;
    if (options.legacy) {
      headers['x-jarvis-delivery'] = message.id;
      headers['x-jarvis-timestamp'] = timestamp;
      if (channel.secret)
        headers['x-jarvis-signature'] = `sha256=${webhookSignature(channel.secret, timestamp, body)}`;
    }
    const { status } = await postJson(channel.url!, body, headers, channel.timeoutMs);
    return { responseCode: status };
  };
}

/**
 * The key Standard Webhooks libraries derive from a secret: `whsec_<base64>` (or bare base64)
 * decodes to its bytes; any other secret is used as its UTF-8 bytes (receivers then pass
 * `{ format: 'raw' }`).
 */
export function webhookKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0)
    return Buffer.from(encoded, 'base64');
  return Buffer.from(secret, 'utf8');
}

export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The earlier `x-jarvis-signature`: hex HMAC-SHA256 of "<timestamp>.<body>" with the secret's UTF-8 bytes. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
