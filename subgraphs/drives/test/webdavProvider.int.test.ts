import { startWebdav, type WebdavServer } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webdavProvider } from '../src/index.ts';
import { driveProviderContract } from './driveProviderContract.ts';

driveProviderContract('WebDAV (a real WsgiDAV server, under a Nextcloud-style base path)', async () => {
  const server = await startWebdav();
  return { drive: webdavProvider(server), close: () => server.stop() };
});

describe('a WebDAV drive', () => {
  let server: WebdavServer;
  beforeAll(async () => {
    server = await startWebdav();
  });
  afterAll(() => server.stop());

  it('a wrong password says to reconnect the drive; a server that is gone is BACKEND_UNAVAILABLE', async () => {
    const wrong = webdavProvider({ ...server, password: 'not-it' });
    await expect(wrong.check()).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'DRIVE_NEEDS_RECONNECT' },
    });
    await expect(wrong.list('')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const gone = webdavProvider({ ...server, url: 'http://127.0.0.1:9/dav/' });
    await expect(gone.check()).rejects.toMatchObject({ extensions: { code: 'BACKEND_UNAVAILABLE' } });
  });
});
