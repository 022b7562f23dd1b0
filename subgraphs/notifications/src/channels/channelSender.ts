import type { ChannelRecord } from '../records.ts';

/** What goes out: the rendered message and the event it is about. */
export interface OutgoingMessage {
  id: string;
  event: string;
  subject: string;
  body: string;
  data: Record<string, unknown>;
  at: Date;
}

/** A failed delivery, with the provider's answer when there was one. */
export class DeliveryError extends Error {
  readonly responseCode: number | null;
  constructor(message: string, responseCode: number | null = null) {
    super(message);
    this.name = 'DeliveryError';
    this.responseCode = responseCode;
  }
}

/** Delivers one message to one channel; resolves with the provider's response code, throws DeliveryError. */
export type ChannelSender = (
  channel: ChannelRecord,
  message: OutgoingMessage,
) => Promise<{ responseCode: number | null }>;

/** POSTs JSON with a timeout; a non-2xx answer or a network failure is a DeliveryError. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Jarvis-Notifications/1', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : describe(error);
    throw new DeliveryError(`POST ${new URL(url).origin}: ${reason}`);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    throw new DeliveryError(
      `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      response.status,
    );
  return { status: response.status, text };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return cause ? `${cause.message}` : error.message;
}
