import { JarvisError } from '@jarvis/errors';
import { nodeBodyOf } from '@jarvis/subgraph';

/** Reads a request body, refusing past `limit` bytes before buffering more than that. */
export async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit, declared);
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Over HTTP the socket's own stream, with no web stream in between.
  const node = nodeBodyOf(request);
  if (node) {
    for await (const chunk of node as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > limit) {
        node.destroy();
        throw tooLarge(limit, size);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  const reader = request.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    size += chunk.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit, size);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number, actual: number) {
  return new JarvisError(
    'LIMIT_EXCEEDED',
    `request body is ${actual} bytes; the limit is ${limit} (server.max_body_bytes)`,
    { limit: 'max_body_bytes', max: limit, measured: actual },
  );
}
