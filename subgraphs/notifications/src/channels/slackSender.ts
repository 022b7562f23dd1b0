import { type ChannelSender, DeliveryError, postJson } from './channelSender.ts';

const SEVERITY_EMOJI: Record<string, string> = {
  CRITICAL: ':red_circle:',
  WARNING: ':large_orange_circle:',
  INFO: ':large_blue_circle:',
};

/** Slack's limits (Block Kit reference): header text 150 characters, section text 3000. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A Slack incoming-webhook message: a fallback `text` and Block Kit blocks (header, section, context). */
export function slackMessage(message: {
  subject: string;
  body: string;
  event: string;
  data: Record<string, unknown>;
  at: Date;
}) {
  const emoji =
    message.event === 'ALERT_RESOLVED'
      ? ':white_check_mark:'
      : (SEVERITY_EMOJI[String(message.data.severity)] ?? '');
  return {
    text: clip(`${message.subject}: ${message.body}`, 3000),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: clip(`${emoji ? `${emoji} ` : ''}${message.subject}`, 150),
          emoji: true,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: clip(message.body || ' ', 3000) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: clip(
              `Jarvis · ${message.event.toLowerCase().replace(/_/g, ' ')} · <!date^${Math.floor(message.at.getTime() / 1000)}^{date_short_pretty} {time}|${message.at.toISOString()}>`,
              3000,
            ),
          },
        ],
      },
    ],
  };
}

/** Slack answers 200 `ok`, or an error word (`invalid_payload`, `no_service`, …) with a 4xx. */
export const slackSender: ChannelSender = async (channel, message) => {
  const { status, text } = await postJson(
    channel.url!,
    JSON.stringify(slackMessage(message)),
    {},
    channel.timeoutMs,
  );
  if (text.trim() !== 'ok')
    throw new DeliveryError(`Slack answered ${JSON.stringify(text.slice(0, 200))}`, status);
  return { responseCode: status };
};
