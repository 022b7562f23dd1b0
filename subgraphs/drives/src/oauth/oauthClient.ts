import { ErrorCode, JarvisError } from '@jarvis/errors';
import { retryAfterMs } from '../providers/driveErrors.ts';
import type { OAuthProvider } from './oauthProviders.ts';

export interface OAuthApp {
  clientId: string;
  /** Confidential clients (a server) have one; PKCE protects the code either way. */
  clientSecret?: string;
  /** Jarvis's `/drives/oauth/callback` on the router's public origin. */
  redirectUri: string;
}

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope?: string;
}

/** The consent page a user opens to connect a drive. */
export function consentUrl(
  provider: OAuthProvider,
  app: OAuthApp,
  state: string,
  codeChallenge: string,
): string {
  const url = new URL(provider.authorizeUrl);
  for (const [k, v] of Object.entries({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: provider.scopes.join(' '),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...provider.consentParams,
  }))
    url.searchParams.set(k, v);
  return url.href;
}

async function tokenRequest(
  provider: OAuthProvider,
  app: OAuthApp,
  form: Record<string, string>,
  previous?: string,
) {
  let response: Response;
  try {
    response = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: app.clientId,
        ...(app.clientSecret ? { client_secret: app.clientSecret } : {}),
        ...form,
      }),
    });
  } catch (error) {
    throw new JarvisError(
      ErrorCode.BACKEND_UNAVAILABLE,
      `the sign-in service at ${new URL(provider.tokenUrl).host} is not answering (${(error as Error).message}); try again`,
      { backend: new URL(provider.tokenUrl).host },
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    refresh_token?: string;
    expires_in?: number;
    scope?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    // invalid_grant: the code was used or expired, or the user revoked Jarvis's access.
    if (body.error === 'invalid_grant')
      throw new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        `the drive's access was revoked or has expired (${body.error_description ?? body.error}); reconnect the drive`,
        { reason: 'DRIVE_NEEDS_RECONNECT' },
      );
    if (response.status === 429)
      throw new JarvisError(ErrorCode.LIMIT_EXCEEDED, 'the sign-in service is rate limiting; retry later', {
        reason: 'DRIVE_RATE_LIMITED',
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')) ?? 0,
      });
    if (body.error === 'invalid_client' || body.error === 'unauthorized_client')
      throw new JarvisError(
        ErrorCode.BAD_USER_INPUT,
        `the sign-in service refuses Jarvis's OAuth client (${body.error}); check the drive provider's client id and secret in the configuration`,
        { reason: 'DRIVE_OAUTH_CLIENT' },
      );
    throw new JarvisError(
      ErrorCode.BACKEND_UNAVAILABLE,
      `the sign-in service answered ${response.status} (${body.error ?? 'no token'}); try again`,
      { backend: new URL(provider.tokenUrl).host },
    );
  }
  return {
    accessToken: body.access_token,
    // Microsoft hands out a new refresh token with each refresh; Google keeps the first.
    refreshToken: body.refresh_token ?? previous ?? '',
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
    ...(body.scope ? { scope: body.scope } : {}),
  } satisfies OAuthTokens;
}

/** The code from the callback, for tokens; the verifier proves Jarvis asked for it. */
export async function exchangeCode(
  provider: OAuthProvider,
  app: OAuthApp,
  code: string,
  codeVerifier: string,
) {
  const tokens = await tokenRequest(provider, app, {
    grant_type: 'authorization_code',
    code,
    code_verifier: codeVerifier,
    redirect_uri: app.redirectUri,
  });
  if (!tokens.refreshToken)
    throw new JarvisError(
      ErrorCode.BAD_USER_INPUT,
      'the sign-in gave no refresh token, so the drive would stop working within the hour; connect again and grant offline access',
      { reason: 'DRIVE_NO_REFRESH_TOKEN' },
    );
  return tokens;
}

export function refreshTokens(provider: OAuthProvider, app: OAuthApp, refreshToken: string) {
  return tokenRequest(
    provider,
    app,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    refreshToken,
  );
}
