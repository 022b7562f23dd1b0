import { Transform } from 'node:stream';

/** Drops the first `count` bytes of a stream (a resumed read of a source that cannot seek). */
export function skipBytes(count: number): Transform {
  let left = count;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (left >= chunk.length) {
        left -= chunk.length;
        callback();
        return;
      }
      const rest = chunk.subarray(left);
      left = 0;
      callback(null, rest);
    },
  });
}
