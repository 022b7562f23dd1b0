import { Transform } from 'node:stream';
import type { ByteRange } from './blobStore.ts';

/** Passes on only bytes start..end (inclusive) of what flows through, then ends. */
export function sliceStream(range: ByteRange): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      const from = Math.max(range.start - offset, 0);
      const to = Math.min(range.end + 1 - offset, chunk.length);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (offset > range.end) this.push(null);
      callback();
    },
  });
}
