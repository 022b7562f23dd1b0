import type { JarvisConfig } from '@jarvis/config';
import { type ConsoleSite, consoleSite } from '@jarvis/console';

/** The web console the router serves, signing people in as `auth` and `router.console` say. */
export function webConsole(config: JarvisConfig): ConsoleSite | undefined {
  const settings = config.router.console;
  if (!settings.enabled) return undefined;
  const { mode, oidc } = config.auth;
  if (mode !== 'oidc' || !oidc) return consoleSite({ mode });
  if (!settings.oidc_client_id)
    throw new Error(
      'auth.mode is oidc: set router.console.oidc_client_id (a public client at the provider, redirect URI = the router origin + "/") or router.console.enabled: false',
    );
  return consoleSite({
    mode,
    oidc: {
      issuer: oidc.issuer,
      clientId: settings.oidc_client_id,
      scope: settings.oidc_scope,
      ...(settings.oidc_resource ? { resource: settings.oidc_resource } : {}),
    },
  });
}

/** The router option, absent when the console is turned off. */
export function consoleOption(config: JarvisConfig): { console?: ConsoleSite } {
  const site = webConsole(config);
  return site ? { console: site } : {};
}
