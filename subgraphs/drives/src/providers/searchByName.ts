import type { DriveEntry, DriveProvider } from './driveProvider.ts';

/**
 * A drive's search where the provider has none (WebDAV has no common one; a local folder none):
 * files whose path holds every word of the query, found by walking the drive.
 */
export async function searchByName(
  list: DriveProvider['list'],
  query: string,
  limit: number,
): Promise<DriveEntry[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found: DriveEntry[] = [];
  for (const entry of await list('', { recursive: true })) {
    if (entry.folder || !words.every((w) => entry.path.toLowerCase().includes(w))) continue;
    found.push(entry);
    if (found.length >= limit) break;
  }
  return found;
}
