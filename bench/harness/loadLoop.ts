import http from 'node:http';
import { median, quantile } from './statistics.ts';

export interface LoadFigures {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
}

/**
 * A closed loop of `concurrency` HTTP clients, each posting its next body when the last answer
 * came: the load generator every HTTP benchmark shares. `check` sees every answer's body and
 * throws on a wrong one: the first wrong answer fails the measurement, since a benchmark that
 * counts fast errors measures nothing.
 */
export async function loadLoop(options: {
  url: string;
  seconds: number;
  concurrency: number;
  body(i: number): string;
  check(text: string, i: number): void;
  headers?: Record<string, string>;
}): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let n = 0;
  let failure: Error | undefined;
  const deadline = performance.now() + options.seconds * 1_000;
  const one = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Buffer.concat(chunks).toString())
              : reject(
                  new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`),
                ),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (!failure && performance.now() < deadline) {
      const i = n++;
      const started = performance.now();
      try {
        options.check(await one(options.body(i)), i);
      } catch (error) {
        failure ??= error as Error;
        return;
      }
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1_000;
  agent.destroy();
  if (failure) throw new Error(`wrong answer from ${options.url}: ${failure.message.slice(0, 500)}`);
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50: median(latencies),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    requests: latencies.length,
  };
}
