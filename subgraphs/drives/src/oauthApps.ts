import type { JarvisConfig } from '@jarvis/config';
import { badUserInput } from '@jarvis/errors';
import type { OAuthApp } from './oauth/oauthClient.ts';
import { type OAuthProvider, type OAuthProviderName, oauthProvider } from './oauth/oauthProviders.ts';

/** A provider's OAuth client and endpoints, and where its drive API is, from services.drives. */
export interface ConfiguredOAuth {
  provider: OAuthProvider;
  app: OAuthApp;
  /** The drive API's origin when not the public one. */
  apiUrl?: string;
}

export function oauthApps(config: JarvisConfig['services']['drives']) {
  const apps: Partial<Record<OAuthProviderName, ConfiguredOAuth>> = {};
  const redirectUri = config.oauth_redirect_url;
  if (config.google)
    apps.GOOGLE_DRIVE = {
      provider: oauthProvider(
        'GOOGLE_DRIVE',
        config.google.auth_url ? { origin: config.google.auth_url.replace(/\/$/, '') } : {},
      ),
      app: {
        clientId: config.google.client_id,
        ...(config.google.client_secret ? { clientSecret: config.google.client_secret } : {}),
        redirectUri,
      },
      ...(config.google.api_url ? { apiUrl: config.google.api_url } : {}),
    };
  if (config.microsoft)
    apps.ONEDRIVE = {
      provider: oauthProvider('ONEDRIVE', {
        tenant: config.microsoft.tenant,
        ...(config.microsoft.auth_url ? { origin: config.microsoft.auth_url.replace(/\/$/, '') } : {}),
      }),
      app: {
        clientId: config.microsoft.client_id,
        ...(config.microsoft.client_secret ? { clientSecret: config.microsoft.client_secret } : {}),
        redirectUri,
      },
      ...(config.microsoft.api_url ? { apiUrl: config.microsoft.api_url } : {}),
    };
  return (name: OAuthProviderName): ConfiguredOAuth => {
    const found = apps[name];
    if (!found)
      throw badUserInput(
        `${name === 'GOOGLE_DRIVE' ? 'Google Drive' : 'OneDrive'} is not set up on this Jarvis: an operator registers an OAuth client and sets services.drives.${name === 'GOOGLE_DRIVE' ? 'google' : 'microsoft'}.client_id`,
        { argument: 'provider' },
      );
    return found;
  };
}
