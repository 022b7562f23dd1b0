import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDriveProvider } from '../src/index.ts';
import { driveProviderContract } from './driveProviderContract.ts';
import { type MicrosoftGraphFake, startMicrosoftGraphFake } from './fakes/microsoftGraphFake.ts';

driveProviderContract('OneDrive (a fake of Microsoft Graph)', async () => {
  const fake = await startMicrosoftGraphFake();
  const token = fake.issueToken();
  return {
    drive: oneDriveProvider({ accessToken: async () => token, baseUrl: fake.baseUrl }),
    close: () => fake.stop(),
    sharedWith: (name: string) => {
      const permissions = fake.permissionsOf(name);
      return {
        emails: permissions.flatMap((p) => (p.invitation ? [p.invitation.email] : [])),
        anyone: permissions.some((p) => p.link?.scope === 'anonymous'),
      };
    },
  };
});

describe('a OneDrive drive', () => {
  let fake: MicrosoftGraphFake;
  beforeAll(async () => {
    fake = await startMicrosoftGraphFake();
  });
  afterAll(() => fake.stop());

  it('an expired token says to reconnect; a rate limit says when to retry', async () => {
    const token = fake.issueToken();
    const drive = oneDriveProvider({ accessToken: async () => token, baseUrl: fake.baseUrl });
    await drive.check();
    fake.rateLimit(1, 3);
    await expect(drive.stat('anything')).rejects.toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', reason: 'DRIVE_RATE_LIMITED', retryAfterMs: 3_000 },
    });
    fake.expire(token);
    await expect(drive.check()).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'DRIVE_NEEDS_RECONNECT' },
    });
  });

  it('an upload cut mid-fragment resumes where the session says, and arrives whole', async () => {
    const token = fake.issueToken();
    const drive = oneDriveProvider({ accessToken: async () => token, baseUrl: fake.baseUrl });
    const bytes = Buffer.from(Array.from({ length: 12 * 1024 * 1024 }, (_, i) => i % 251));
    fake.cutNextFragment(5 * 320 * 1024);
    const before = fake.fragments();
    const written = await drive.write('checkpoints/epoch-3.pt', Readable.from([bytes]), bytes.length);
    expect(written.size).toBe(bytes.length);
    // The cut fragment, the rest of it, then the last one (a 10 MiB fragment, then 2 MiB).
    expect(fake.fragments() - before).toBe(3);
    const chunks: Buffer[] = [];
    for await (const c of await drive.read('checkpoints/epoch-3.pt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });
});
