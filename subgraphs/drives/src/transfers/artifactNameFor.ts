import { createHash } from 'node:crypto';
import { badUserInput } from '@jarvis/errors';

/** Storage's rule for a name's segments (letters, digits, `_`, `.`, `-`; not starting with `.`). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_NAME = 256;

/** A drive file name's segment as storage accepts it: other characters become `_`. */
const segmentFor = (name: string) => {
  const plain = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return SEGMENT.test(plain) ? plain : `_${plain}`;
};

/** Checks an import's name prefix now, so a bad one fails the call rather than every file. */
export function checkPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (!trimmed || trimmed.length > 128 || !trimmed.split('/').every((s) => SEGMENT.test(s)))
    throw badUserInput(
      `prefix must be artifact name segments (letters, digits, "_", "." and "-", separated by "/"), at most 128 characters; got ${JSON.stringify(prefix.slice(0, 200))}`,
      { argument: 'prefix' },
    );
  return trimmed;
}

/** The prefix an import uses when none is given: `drives/<drive name>`. */
export const defaultPrefix = (driveName: string) => `drives/${segmentFor(driveName)}`;

/**
 * The artifact name a drive file is imported as: the prefix, then its path with each segment
 * made storage-safe ("Game 1 (final).mp4" → "Game_1_final_.mp4"). The path itself is kept in
 * the artifact's metadata and `source`. A name that would be too long keeps its file name and a
 * hash of the path in place of the folders.
 */
export function artifactNameFor(prefix: string, path: string): string {
  const segments = path.split('/').map(segmentFor);
  const name = `${prefix}/${segments.join('/')}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 16);
  const room = MAX_NAME - prefix.length - hash.length - 2;
  return `${prefix}/${hash}/${segments.at(-1)!.slice(-room)}`;
}
