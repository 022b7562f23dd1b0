import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleDriveProvider } from '../src/index.ts';
import { driveProviderContract } from './driveProviderContract.ts';
import { type GoogleDriveFake, startGoogleDriveFake } from './fakes/googleDriveFake.ts';

driveProviderContract('Google Drive (a fake of Drive v3)', async () => {
  const fake = await startGoogleDriveFake();
  const token = fake.issueToken();
  return {
    drive: googleDriveProvider({ accessToken: async () => token, rootUrl: fake.rootUrl }),
    close: () => fake.stop(),
    sharedWith: (name: string) => {
      const permissions = fake.permissionsOf(name);
      return {
        emails: permissions.filter((p) => p.type === 'user').map((p) => p.emailAddress!),
        anyone: permissions.some((p) => p.type === 'anyone'),
      };
    },
  };
});

describe('a Google Drive drive', () => {
  let fake: GoogleDriveFake;
  beforeAll(async () => {
    fake = await startGoogleDriveFake();
  });
  afterAll(() => fake.stop());

  it('an expired token says to reconnect; a rate limit says when to retry', async () => {
    const token = fake.issueToken();
    const drive = googleDriveProvider({ accessToken: async () => token, rootUrl: fake.rootUrl });
    await drive.check();
    fake.rateLimit(1, 7);
    await expect(drive.list('')).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', reason: 'DRIVE_RATE_LIMITED', retryAfterMs: 7_000 },
    });
    fake.expire(token);
    await expect(drive.check()).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'DRIVE_NEEDS_RECONNECT' },
    });
  });

  it('a large upload goes in resumable chunks and arrives whole', async () => {
    const token = fake.issueToken();
    const drive = googleDriveProvider({ accessToken: async () => token, rootUrl: fake.rootUrl });
    const bytes = Buffer.alloc(20 * 1024 * 1024 + 123, 7);
    bytes.write('start');
    const before = fake.uploadRequests;
    const written = await drive.write(
      'big/weights.bin',
      Readable.from([bytes.subarray(0, 5_000_000), bytes.subarray(5_000_000)]),
      bytes.length,
    );
    expect(written.size).toBe(bytes.length);
    expect(fake.uploadRequests - before).toBe(3); // 8 MiB, 8 MiB, the rest
    expect((await text(await drive.read('big/weights.bin', { start: 0 }))).slice(0, 5)).toBe('start');
  });

  it('an upload cut mid-chunk resumes from what the session holds, and arrives whole', async () => {
    const token = fake.issueToken();
    const drive = googleDriveProvider({ accessToken: async () => token, rootUrl: fake.rootUrl });
    const bytes = Buffer.from(Array.from({ length: 12 * 1024 * 1024 }, (_, i) => i % 251));
    fake.cutNextChunk(3 * 256 * 1024);
    const before = fake.uploadRequests;
    await drive.write('cut-and-resumed.bin', Readable.from([bytes]), bytes.length);
    // The cut chunk, a status query, the rest of that chunk, the last chunk.
    expect(fake.uploadRequests - before).toBe(4);
    const back = await drive.read('cut-and-resumed.bin');
    const chunks: Buffer[] = [];
    for await (const c of back) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });
});
