import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through that counts and hashes what flows through it, refusing past `maxBytes`. */
export function hashingStream(maxBytes = Number.POSITIVE_INFINITY) {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(new RangeError(`more than ${maxBytes} bytes`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  let sha256: string | undefined;
  return {
    stream,
    /** Size and digest of what has flowed through; final once read (a digest is taken once). */
    result: () => {
      sha256 ??= hash.digest('hex');
      return { size, sha256 };
    },
  };
}
