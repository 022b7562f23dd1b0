import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, JarvisError } from '@jarvis/errors';

/** Codes that another try cannot fix: the file is gone, or the drive refuses us. */
const FINAL = new Set<string>([
  ErrorCode.NOT_FOUND,
  ErrorCode.FORBIDDEN,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.BAD_USER_INPUT,
]);

export interface ResumableReadOptions {
  /** Tries in a row that bring no new byte before giving up (default 5). */
  attempts?: number;
  /** The first wait between tries, doubled each time (default 500 ms). */
  backoffMs?: number;
  /** A stream that sends nothing for this long is taken as cut (default 60 s): a silent peer never ends it. */
  idleMs?: number;
  signal?: AbortSignal;
  /** Told each time the read is taken up again, from which byte, after which error. */
  onResume?(from: number, error: unknown): void;
}

/**
 * A file's bytes that survive a cut: when the drive's stream breaks (a reset, a timeout, a 5xx or
 * a 429), it is opened again from the first byte not yet passed on, so a large import goes on
 * where it stopped instead of starting over. `size` is what the drive said the file holds; a
 * stream that ends short of it is a cut too.
 */
export function resumableRead(
  open: (start: number) => Promise<Readable>,
  size: number,
  options: ResumableReadOptions = {},
): Readable {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const idleMs = options.idleMs ?? 60_000;
  async function* bytes() {
    let received = 0;
    let failures = 0;
    for (;;) {
      try {
        const stream = await open(received);
        const idle = setTimeout(
          () =>
            stream.destroy(
              new JarvisError(ErrorCode.BACKEND_UNAVAILABLE, `the drive sent nothing for ${idleMs / 1000} s`),
            ),
          idleMs,
        );
        try {
          for await (const chunk of stream) {
            received += (chunk as Buffer).length;
            failures = 0;
            yield chunk as Buffer;
            idle.refresh();
          }
        } finally {
          clearTimeout(idle);
          stream.destroy();
        }
        if (received >= size) return;
        throw new JarvisError(
          ErrorCode.BACKEND_UNAVAILABLE,
          `the drive ended the file after ${received} of ${size} bytes`,
        );
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (error instanceof JarvisError && FINAL.has(error.code)) throw error;
        failures += 1;
        if (failures >= attempts) throw error;
        const asked = error instanceof JarvisError ? Number(error.extensions.retryAfterMs ?? 0) : 0;
        await sleep(Math.max(asked, backoffMs * 2 ** (failures - 1)), undefined, {
          signal: options.signal,
        });
        options.onResume?.(received, error);
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false, highWaterMark: 1024 * 1024 });
}
