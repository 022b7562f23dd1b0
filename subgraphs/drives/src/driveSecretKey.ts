import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The key that seals drive credentials: `services.drives.secret_key` when set (replicas must
 * share one), otherwise one made on first start and kept in `home`/drives.key (owner-only), so
 * `jarvis dev` needs no setup and its drives survive restarts.
 */
export function driveSecretKey(configured: string | undefined, home: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.resolve(home, 'drives.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
