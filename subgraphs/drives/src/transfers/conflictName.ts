import { joinPath, splitPath } from '../providers/drivePath.ts';

/**
 * Where a sync keeps the drive's copy of a file both sides changed: beside it, named
 * `name (conflict <time>).ext`, as desktop sync clients do, so nobody's edit is lost.
 */
export function conflictName(path: string, at: Date): string {
  const { parent, name } = splitPath(path);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const time = at.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '-');
  return joinPath(parent, `${stem} (conflict ${time})${ext}`);
}
