import { createHmac } from 'node:crypto';
import type { ChannelRecord } from '../records.ts';
import { type ChannelSender, DeliveryError, postJson } from './channelSender.ts';

/** What an MLflow webhook receives: MLflow's envelope around the event's payload. */
export interface MlflowEnvelope {
  entity: string;
  action: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * POSTs an event as MLflow's server does, so receivers written for MLflow verify it unchanged:
 * the JSON envelope `{entity, action, timestamp, data}`, `X-MLflow-Delivery-Id`,
 * `X-MLflow-Timestamp`, and with a secret `X-MLflow-Signature: v1,<base64 HMAC-SHA256 of
 * "<delivery id>.<timestamp>.<body>" keyed by the secret's UTF-8 bytes>`.
 * Resolves with the receiver's answer, whatever its status; a network failure throws.
 */
export async function postMlflowWebhook(
  channel: Pick<ChannelRecord, 'url' | 'secret' | 'timeoutMs'>,
  deliveryId: string,
  envelope: MlflowEnvelope,
): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(envelope);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'x-mlflow-delivery-id': deliveryId,
    'x-mlflow-timestamp': timestamp,
  };
  if (channel.secret) {
    const mac = createHmac('sha256', channel.secret)
      .update(`${deliveryId}.${timestamp}.${body}`)
      .digest('base64');
    headers['x-mlflow-signature'] = `v1,${mac}`;
  }
  try {
    return await postJson(channel.url!, body, headers, channel.timeoutMs);
  } catch (error) {
    // The receiver answered: that is a result for a test, and a failed attempt for the outbox.
    if (error instanceof DeliveryError && error.responseCode !== null)
      return { status: error.responseCode, text: error.message.replace(/^HTTP \d+: ?/, '') };
    throw error;
  }
}

/** The outbox's sender for MLFLOW_WEBHOOK channels: the notification's data is MLflow's envelope. */
export const mlflowWebhookSender: ChannelSender = async (channel, message) => {
  const { entity, action, timestamp, data } = message.data as unknown as MlflowEnvelope;
  const { status, text } = await postMlflowWebhook(channel, message.id, { entity, action, timestamp, data });
  if (status >= 400)
    throw new DeliveryError(`HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, status);
  return { responseCode: status };
};
