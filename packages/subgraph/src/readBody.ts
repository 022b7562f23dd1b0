import { JarvisError } from '@jarvis/errors';
import { nodeBodyOf } from './nodeBodies.ts';

/**
 * Reads a request body, refusing past `limit` bytes before buffering more than that; the error
 * (LIMIT_EXCEEDED, HTTP 413) names the configuration key `setting` that sets the limit.
 */
export async function readBody(
  request: Request,
  limit: number,
  setting = 'server.max_body_bytes',
): Promise<string> {
  return (await readBodyBytes(request, limit, setting)).toString('utf8');
}

/** As readBody, the bytes as they came (protobuf, compressed bodies). */
export async function readBodyBytes(
  request: Request,
  limit: number,
  setting = 'server.max_body_bytes',
): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit, declared, setting);
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Over HTTP the socket's own stream, with no web stream in between.
  const node = nodeBodyOf(request);
  if (node) {
    for await (const chunk of node as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > limit) {
        node.destroy();
        throw tooLarge(limit, size, setting);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  const reader = request.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    size += chunk.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit, size, setting);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A body past its configured limit: HTTP 413 wherever it is answered. */
export class BodyTooLargeError extends JarvisError {}

export function tooLarge(limit: number, actual: number, setting: string) {
  return new BodyTooLargeError(
    'LIMIT_EXCEEDED',
    `request body is ${actual === limit + 1 ? `more than ${limit}` : actual} bytes; the limit is ${limit} (${setting})`,
    { limit: setting.split('.').at(-1), max: limit, measured: actual },
  );
}
