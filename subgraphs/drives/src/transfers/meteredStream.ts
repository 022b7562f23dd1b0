import { type Readable, Transform } from 'node:stream';

/**
 * Passes `source` through, telling `onBytes` of each chunk before it goes on; when `onBytes`
 * answers false (the transfer was cancelled) or `signal` aborts, the stream fails with `stopped()`
 * and the source is closed, so the reader of it (storage, a drive's upload) gives up and keeps
 * nothing.
 */
export function meteredStream(
  source: Readable,
  onBytes: (count: number, chunk: Buffer) => boolean | Promise<boolean>,
  stopped: () => Error,
  signal?: AbortSignal,
): Readable {
  const metered = new Transform({
    // Room for a network read or two, so the bytes do not stop every 16 KiB (the default).
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, callback) {
      const go = onBytes(chunk.length, chunk);
      if (go === true) callback(null, chunk);
      else if (go === false) callback(stopped());
      else
        go.then(
          (yes) => (yes ? callback(null, chunk) : callback(stopped())),
          (error: Error) => callback(error),
        );
    },
  });
  source.on('error', (error) => metered.destroy(error));
  metered.on('close', () => source.destroy());
  const abort = () => metered.destroy(stopped());
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  metered.on('close', () => signal?.removeEventListener('abort', abort));
  return source.pipe(metered);
}
