import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderProvider } from '../src/index.ts';
import { driveProviderContract } from './driveProviderContract.ts';

driveProviderContract('a local folder', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'jarvis-drive-local-'));
  return {
    drive: localFolderProvider(root),
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe('a local folder drive', () => {
  it('a link inside the folder leading out of it is FORBIDDEN, and removing it leaves its target', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'jarvis-outside-'));
    const root = mkdtempSync(path.join(os.tmpdir(), 'jarvis-drive-local-'));
    try {
      writeFileSync(path.join(outside, 'secret.txt'), 'keys');
      symlinkSync(outside, path.join(root, 'escape'));
      mkdirSync(path.join(root, 'inside'));
      const drive = localFolderProvider(root);
      await expect(drive.read('escape/secret.txt')).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      await expect(drive.list('escape')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      await expect(
        drive.write('escape/planted.txt', (await import('node:stream')).Readable.from([Buffer.from('x')]), 1),
      ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      await drive.remove('escape');
      expect((await import('node:fs')).readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('keys');
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
