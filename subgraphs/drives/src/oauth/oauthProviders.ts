/** Where each provider's OAuth 2.0 endpoints are, and what a drive asks for. */
export interface OAuthProvider {
  authorizeUrl: string;
  tokenUrl: string;
  scopes: string[];
  /** Extra consent parameters: what makes the provider hand out a refresh token. */
  consentParams: Record<string, string>;
}

export type OAuthProviderName = 'GOOGLE_DRIVE' | 'ONEDRIVE';

/**
 * Google (https://developers.google.com/identity/protocols/oauth2/web-server) and the Microsoft
 * identity platform (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow).
 * `origin` replaces the public hosts, for a sovereign cloud or a test's fake.
 */
export function oauthProvider(
  name: OAuthProviderName,
  options: { origin?: string; tenant?: string } = {},
): OAuthProvider {
  if (name === 'GOOGLE_DRIVE') {
    const accounts = options.origin ?? 'https://accounts.google.com';
    const tokens = options.origin ?? 'https://oauth2.googleapis.com';
    return {
      authorizeUrl: `${accounts}/o/oauth2/v2/auth`,
      tokenUrl: `${tokens}/token`,
      scopes: ['https://www.googleapis.com/auth/drive'],
      // offline + consent: a refresh token every time, not only on the first consent.
      consentParams: { access_type: 'offline', prompt: 'consent' },
    };
  }
  const login = `${options.origin ?? 'https://login.microsoftonline.com'}/${options.tenant ?? 'common'}/oauth2/v2.0`;
  return {
    authorizeUrl: `${login}/authorize`,
    tokenUrl: `${login}/token`,
    scopes: ['offline_access', 'Files.ReadWrite.All', 'User.Read'],
    consentParams: { prompt: 'select_account' },
  };
}
