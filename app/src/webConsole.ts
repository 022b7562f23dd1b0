import type { JarvisConfig } from '@jarvis/config';
import { type ConsoleSite, consoleSite } from '@jarvis/console';
import type { Logger } from '@jarvis/context';

/** The web console the router serves, signing people in as `auth` and `router.console` say. */
export function webConsole(config: JarvisConfig, logger: Logger): ConsoleSite | undefined {
  const settings = config.router.console;
  if (!settings.enabled) return undefined;
  const { mode, oidc } = config.auth;
  if (mode !== 'oidc' || !oidc) return consoleSite({ mode });
  if (!settings.oidc_client_id) {
    // Machines keep working with keys; people can too, until the provider knows the console.
    logger.warn(
      { issuer: oidc.issuer },
      'router.console.oidc_client_id is not set: the web console asks for an API key. Register a public client at the provider (redirect URI = this origin + "/") and set it to sign people in there',
    );
    return consoleSite({ mode: 'keys' });
  }
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
export function consoleOption(config: JarvisConfig, logger: Logger): { console?: ConsoleSite } {
  const site = webConsole(config, logger);
  return site ? { console: site } : {};
}
