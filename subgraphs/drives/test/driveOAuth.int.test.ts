import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consentUrl,
  type DriveProvider,
  exchangeCode,
  googleDriveProvider,
  type OAuthApp,
  type OAuthTokens,
  oauthProvider,
  oneDriveProvider,
  pkce,
  refreshTokens,
  tokenKeeper,
} from '../src/index.ts';
import { startGoogleDriveFake } from './fakes/googleDriveFake.ts';
import { startMicrosoftGraphFake } from './fakes/microsoftGraphFake.ts';

const app: OAuthApp = {
  clientId: 'jarvis-test-client',
  clientSecret: 'jarvis-test-secret',
  redirectUri: 'http://127.0.0.1:4000/drives/oauth/callback',
};

const providers = {
  GOOGLE_DRIVE: async () => {
    const fake = await startGoogleDriveFake();
    return {
      fake,
      oauth: oauthProvider('GOOGLE_DRIVE', { origin: fake.origin }),
      drive: (accessToken: () => Promise<string>) =>
        googleDriveProvider({ accessToken, rootUrl: fake.rootUrl }),
    };
  },
  ONEDRIVE: async () => {
    const fake = await startMicrosoftGraphFake();
    return {
      fake,
      oauth: oauthProvider('ONEDRIVE', { origin: fake.origin }),
      drive: (accessToken: () => Promise<string>) => oneDriveProvider({ accessToken, baseUrl: fake.baseUrl }),
    };
  },
};

describe.each(Object.keys(providers) as (keyof typeof providers)[])(
  'connecting %s with OAuth 2.0 and PKCE',
  (name) => {
    let setup: Awaited<ReturnType<(typeof providers)[typeof name]>>;
    beforeAll(async () => {
      setup = await providers[name]();
      setup.fake.oauth.registerClient(app.clientId, app.clientSecret!, app.redirectUri);
    });
    afterAll(() => setup.fake.stop());

    /** What the user's browser does: open the consent page, agree, follow the redirect to Jarvis. */
    async function consent(challenge: string, state: string) {
      const response = await fetch(consentUrl(setup.oauth, app, state, challenge), { redirect: 'manual' });
      expect(response.status).toBe(302);
      const back = new URL(response.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(app.redirectUri);
      expect(back.searchParams.get('state')).toBe(state);
      return back.searchParams.get('code')!;
    }

    it('the consent comes back with a code for this state; the code and its verifier give tokens that open the drive', async () => {
      const { verifier, challenge } = pkce();
      const state = randomBytes(8).toString('hex');
      const code = await consent(challenge, state);
      const tokens = await exchangeCode(setup.oauth, app, code, verifier);
      expect(tokens.refreshToken).not.toBe('');
      expect(tokens.expiresAt).toBeGreaterThan(Date.now());
      const drive: DriveProvider = setup.drive(async () => tokens.accessToken);
      await drive.check();
      await drive.mkdir('connected');
      expect((await drive.list('')).map((e) => e.name)).toContain('connected');
      // A code works once; a verifier that is not the one the challenge was made from never.
      await expect(exchangeCode(setup.oauth, app, code, verifier)).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED', reason: 'DRIVE_NEEDS_RECONNECT' },
      });
      const other = await consent(challenge, state);
      await expect(exchangeCode(setup.oauth, app, other, pkce().verifier)).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED' },
      });
      await expect(
        exchangeCode(
          setup.oauth,
          { ...app, clientSecret: 'wrong' },
          await consent(challenge, state),
          verifier,
        ),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'DRIVE_OAUTH_CLIENT' } });
    });

    it('tokens about to expire are refreshed once for many callers and saved; a revoked grant says to reconnect', async () => {
      setup.fake.oauth.setExpiresIn(60); // inside the keeper's five minutes: every use refreshes
      const { verifier, challenge } = pkce();
      const first = await exchangeCode(setup.oauth, app, await consent(challenge, 'refresh'), verifier);
      const saved: OAuthTokens[] = [];
      const keeper = tokenKeeper(
        first,
        (refreshToken) => refreshTokens(setup.oauth, app, refreshToken),
        async (tokens) => {
          saved.push(tokens);
        },
      );
      const before = setup.fake.oauth.refreshes();
      const tokens = await Promise.all(Array.from({ length: 5 }, () => keeper.accessToken()));
      expect(setup.fake.oauth.refreshes() - before).toBe(1);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(first.accessToken);
      expect(saved).toHaveLength(1);
      // Microsoft rotates the refresh token; Google keeps the first. Either way the saved one works.
      if (name === 'ONEDRIVE') expect(saved[0]!.refreshToken).not.toBe(first.refreshToken);
      else expect(saved[0]!.refreshToken).toBe(first.refreshToken);
      await setup.drive(() => keeper.accessToken()).check();

      setup.fake.oauth.revokeAll();
      await expect(keeper.accessToken()).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED', reason: 'DRIVE_NEEDS_RECONNECT' },
      });
      setup.fake.oauth.setExpiresIn(3599);
    });
  },
);
