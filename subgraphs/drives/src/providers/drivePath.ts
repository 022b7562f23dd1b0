import { badUserInput } from '@jarvis/errors';

/**
 * A path on a drive as every provider takes it: segments joined by "/", no leading or trailing
 * slash ("" is the root). A user's "/clips/", "clips" and "clips//" are the same folder; ".."
 * and NUL are refused, so no path climbs out of a drive or a local root.
 */
export function drivePath(input: string, argument = 'path'): string {
  if (typeof input !== 'string' || input.includes('\u0000'))
    throw badUserInput(`${argument} must be a path without NUL bytes`, { argument });
  const segments = input.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..'))
    throw badUserInput(
      `${argument} ${JSON.stringify(input)} climbs out with ".."; give a path inside the drive`,
      {
        argument,
      },
    );
  if (segments.some((s) => s.length > 255))
    throw badUserInput(`${argument} has a name over 255 characters`, { argument });
  return segments.join('/');
}

/** The folder a path is in, and its last name. */
export function splitPath(path: string): { parent: string; name: string } {
  const at = path.lastIndexOf('/');
  return at < 0 ? { parent: '', name: path } : { parent: path.slice(0, at), name: path.slice(at + 1) };
}

export const joinPath = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);
