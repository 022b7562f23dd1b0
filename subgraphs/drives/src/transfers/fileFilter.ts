import { badUserInput } from '@jarvis/errors';
import type { DriveEntry } from '../providers/driveProvider.ts';

const TYPE = /^(\.[A-Za-z0-9]{1,16}|[a-z]+(\/[A-Za-z0-9.+-]+|\/\*)?)$/;

/**
 * Which files an import takes: by media type (`image/png`), family (`image`, `image/*`) or
 * extension (`.csv`), and under a size. Bad patterns are the caller's to fix, before anything runs.
 */
export function fileFilter(types: readonly string[], maxSize: number | null): (entry: DriveEntry) => boolean {
  for (const type of types)
    if (!TYPE.test(type))
      throw badUserInput(
        `${JSON.stringify(type.slice(0, 100))} is not a media type, family or extension (image, video/mp4, .csv)`,
        { argument: 'filter.types' },
      );
  if (maxSize !== null && (!Number.isSafeInteger(maxSize) || maxSize < 0))
    throw badUserInput('filter.maxSize is a number of bytes, 0 or more', { argument: 'filter.maxSize' });
  const matchers = types.map((type) => {
    const t = type.toLowerCase();
    if (t.startsWith('.')) return (e: DriveEntry) => e.name.toLowerCase().endsWith(t);
    if (!t.includes('/') || t.endsWith('/*')) {
      const family = `${t.replace(/\/\*$/, '')}/`;
      return (e: DriveEntry) => e.mimeType.toLowerCase().startsWith(family);
    }
    return (e: DriveEntry) => e.mimeType.toLowerCase().split(';')[0] === t;
  });
  return (entry) =>
    !entry.folder &&
    (maxSize === null || entry.size <= maxSize) &&
    (!matchers.length || matchers.some((m) => m(entry)));
}
