import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Writes a stream to a private temporary file: an upload needs its size and sha256 before the
 * first byte is sent, and must be able to send a part again after a network error.
 */
export async function spoolToFile(
  source: Readable | ReadableStream<Uint8Array>,
): Promise<{ path: string } & AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), 'jarvis-upload-'));
  const path = join(dir, 'content');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const readable = source instanceof Readable ? source : Readable.fromWeb(source as never);
    await pipeline(readable, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await dispose();
    throw error;
  }
  return { path, [Symbol.asyncDispose]: dispose };
}
