import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: {
    id: string;
    event: string;
    subject: string;
    text: string;
    data: Record<string, unknown>;
    at: string;
  };
}

/** A real HTTP endpoint that records what is POSTed to it; `answer` decides each response. */
export async function webhookReceiver(
  answer: (hook: ReceivedHook, count: number) => number | 'hang' = () => 200,
) {
  const received: ReceivedHook[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const hook = { headers: request.headers, body, json: JSON.parse(body) as ReceivedHook['json'] };
      received.push(hook);
      const status = answer(hook, received.length);
      if (status === 'hang') hanging.add(response);
      else
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status < 300 ? 'thanks' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/jarvis`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
