import type { Readable } from 'node:stream';
import { ErrorCode, JarvisError } from '@jarvis/errors';

/** One upload session of a provider that takes a file in chunks (Drive's resumable uploads, Graph's upload sessions). */
export interface ChunkSession {
  /** Sends `bytes` starting at offset `from`; `last` when they end the file. */
  put(bytes: Buffer, from: number, last: boolean): Promise<Response>;
  /** After a cut: how many bytes the session holds, or its final answer if it already has them all. */
  received(): Promise<number | Response>;
  /** The statuses that mean "that chunk is in, send the next" (Drive 308, Graph 202). */
  partial: number[];
  /** A refusal, as the provider's error. */
  refused(response: Response): Promise<JarvisError>;
  /** The upload cannot go on (the network kept failing, the session lost bytes). */
  broken(detail: string, cause?: unknown): JarvisError;
}

const RESUMES = 5;

/**
 * Streams `body` to a session in chunks of `chunkSize`, one held in memory at a time so it can
 * be sent again: after a network error or a 5xx the session says how much it holds and the
 * rest of the chunk follows. A body shorter or longer than `size` ends in BAD_USER_INPUT with
 * the session never completed (the provider keeps nothing). Resolves to the final answer.
 */
export async function uploadInChunks(
  session: ChunkSession,
  body: Readable,
  size: number,
  chunkSize: number,
  at: string,
): Promise<Response> {
  let sent = 0;
  const deliver = async (chunk: Buffer, last: boolean): Promise<Response> => {
    let offset = 0;
    for (let attempt = 0; ; attempt++) {
      let cause: unknown;
      try {
        const response = await session.put(chunk.subarray(offset), sent + offset, last);
        if (response.status < 500) return response;
        cause = new Error(`${response.status}`);
      } catch (error) {
        cause = error;
      }
      if (attempt >= RESUMES) throw session.broken('the upload kept failing', cause);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      const held = await session.received();
      if (held instanceof Response) return held;
      offset = held - sent;
      if (offset < 0 || offset > chunk.length) throw session.broken('the upload session lost bytes');
    }
  };
  const next = async (chunk: Buffer) => {
    const response = await deliver(chunk, false);
    if (!session.partial.includes(response.status)) throw await session.refused(response);
    sent += chunk.length;
  };
  // Pieces as they come, joined once a chunk's worth is in (not one copy per piece).
  let pieces: Buffer[] = [];
  let held = 0;
  for await (const piece of body as AsyncIterable<Buffer>) {
    pieces.push(piece);
    held += piece.length;
    while (held >= chunkSize && sent + chunkSize < size) {
      const joined = Buffer.concat(pieces);
      await next(joined.subarray(0, chunkSize));
      pieces = [joined.subarray(chunkSize)];
      held -= chunkSize;
    }
  }
  if (sent + held !== size)
    throw new JarvisError(
      ErrorCode.BAD_USER_INPUT,
      `${sent + held} bytes arrived for ${at}, ${size} were announced; nothing was written`,
      { path: at },
    );
  const last = await deliver(Buffer.concat(pieces), true);
  if (last.status !== 200 && last.status !== 201) throw await session.refused(last);
  return last;
}
