// A fake of Slack's incoming webhooks, for tests only: Slack cannot run here. It follows Slack's
// public reference (api.slack.com/messaging/webhooks, "Handling errors", and the Block Kit
// reference for block limits): a POST of JSON with `text` and/or `blocks` answers 200 `ok`;
// otherwise 400 with `invalid_payload`, `no_text` or `invalid_blocks`; a revoked URL 404
// `no_service`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Block {
  type: string;
  text?: { type: string; text: string };
  elements?: { type: string; text: string }[];
}

export interface SlackMessage {
  text?: string;
  blocks?: Block[];
}

export async function slackIncomingWebhook() {
  const received: SlackMessage[] = [];
  const path = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
  const blockProblem = (blocks: Block[]): boolean => {
    if (blocks.length > 50) return true;
    return blocks.some((b) => {
      if (b.type === 'header')
        return b.text?.type !== 'plain_text' || !b.text.text || b.text.text.length > 150;
      if (b.type === 'section')
        return (
          !b.text ||
          !['plain_text', 'mrkdwn'].includes(b.text.type) ||
          b.text.text.length > 3000 ||
          !b.text.text
        );
      if (b.type === 'context') return !b.elements?.length || b.elements.length > 10;
      if (b.type === 'divider') return false;
      return true;
    });
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = (status: number, text: string) =>
        response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      if (request.method !== 'POST') return answer(405, 'invalid_method');
      if (request.url !== path) return answer(404, 'no_service');
      let message: SlackMessage;
      try {
        message = JSON.parse(body) as SlackMessage;
      } catch {
        return answer(400, 'invalid_payload');
      }
      if (!message.text && !message.blocks?.length) return answer(400, 'no_text');
      if (message.blocks && blockProblem(message.blocks)) return answer(400, 'invalid_blocks');
      received.push(message);
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${path}`,
    revokedUrl: `${base}/services/T00000000/B00000000/revoked`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
