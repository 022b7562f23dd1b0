import type { OAuthTokens } from './oauthClient.ts';

/** Refreshed this long before expiry, so a request never starts with a token about to lapse. */
const EARLY_MS = 5 * 60_000;

/**
 * A drive's current access token: refreshed ahead of expiry, one refresh at a time however
 * many transfers ask at once, each new pair saved (encrypted, by the caller) before use, since
 * a provider that rotates refresh tokens makes the old one worthless.
 */
export function tokenKeeper(
  initial: OAuthTokens,
  refresh: (refreshToken: string) => Promise<OAuthTokens>,
  save: (tokens: OAuthTokens) => Promise<void>,
  now: () => number = Date.now,
) {
  let tokens = initial;
  let refreshing: Promise<OAuthTokens> | undefined;
  const renew = () => {
    refreshing ??= (async () => {
      try {
        const next = await refresh(tokens.refreshToken);
        await save(next);
        tokens = next;
        return next;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };
  return {
    async accessToken(): Promise<string> {
      if (tokens.expiresAt - now() > EARLY_MS) return tokens.accessToken;
      return (await renew()).accessToken;
    },
    /** After a 401 on a token that looked valid (revoked early): one refresh, then the answer stands. */
    async renewed(): Promise<string> {
      return (await renew()).accessToken;
    },
    current: () => tokens,
  };
}
