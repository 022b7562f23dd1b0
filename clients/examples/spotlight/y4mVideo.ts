import { readFile, writeFile } from 'node:fs/promises';

/**
 * YUV4MPEG2 (.y4m), the uncompressed format ffmpeg and every codec test suite read: a text
 * header, then per frame `FRAME\n` and the Y, U and V planes (4:2:0). Simple enough to write and
 * read here without a codec, real enough that `ffplay sample.y4m` plays it.
 */
export interface Y4mVideo {
  width: number;
  height: number;
  fps: number;
  /** The luma (Y) plane of each frame, row by row. */
  frames: Uint8Array[];
}

export async function readY4m(path: string): Promise<Y4mVideo> {
  const bytes = await readFile(path);
  const headerEnd = bytes.indexOf(0x0a);
  const header = bytes.subarray(0, headerEnd).toString('ascii');
  if (!header.startsWith('YUV4MPEG2 '))
    throw new Error(
      `${path} is not a YUV4MPEG2 video (it starts with ${JSON.stringify(header.slice(0, 12))})`,
    );
  const field = (tag: string) =>
    header
      .split(' ')
      .find((f) => f.startsWith(tag))
      ?.slice(1);
  const width = Number(field('W'));
  const height = Number(field('H'));
  const [num, den] = (field('F') ?? '25:1').split(':').map(Number);
  const frameBytes = width * height + 2 * (width / 2) * (height / 2);
  const frames: Uint8Array[] = [];
  let at = headerEnd + 1;
  while (at < bytes.length) {
    const lineEnd = bytes.indexOf(0x0a, at);
    if (!bytes.subarray(at, lineEnd).toString('ascii').startsWith('FRAME'))
      throw new Error(`${path}: frame ${frames.length + 1} has no FRAME marker`);
    at = lineEnd + 1;
    if (at + frameBytes > bytes.length) throw new Error(`${path}: frame ${frames.length + 1} is cut short`);
    frames.push(bytes.subarray(at, at + width * height));
    at += frameBytes;
  }
  return { width, height, fps: num! / den!, frames };
}

/**
 * A generated clip of a puck on the ice: white ice, a dark 4×4 puck gliding, then a shot (a few
 * fast frames), then gliding again. Spotlight should find the shot.
 */
export async function writeSampleVideo(
  path: string,
  options: { frames?: number; width?: number; height?: number } = {},
) {
  const width = options.width ?? 160;
  const height = options.height ?? 96;
  const count = options.frames ?? 75;
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F25:1 Ip A1:1 C420jpeg\n`, 'ascii')];
  let x = 10;
  for (let frame = 0; frame < count; frame++) {
    const shot = frame >= count * 0.4 && frame < count * 0.4 + 6;
    x = (x + (shot ? 12 : 1)) % (width - 8);
    const y = Math.round(height / 2 + 10 * Math.sin(frame / 8));
    const luma = Buffer.alloc(width * height, 225);
    for (let dy = 0; dy < 4; dy++) luma.fill(20, (y + dy) * width + x, (y + dy) * width + x + 4);
    chunks.push(Buffer.from('FRAME\n', 'ascii'), luma, Buffer.alloc((width / 2) * (height / 2) * 2, 128));
  }
  await writeFile(path, Buffer.concat(chunks));
}
