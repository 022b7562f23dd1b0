import type { JarvisConfig } from '@jarvis/config';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/**
 * `auth.mode: local` makes every caller an admin: fine on a laptop, never on a network. Returns
 * why Jarvis must not listen where it was asked to, or undefined when it may.
 */
export function exposureProblem(config: JarvisConfig, host: string): string | undefined {
  if (config.auth.mode !== 'local' || LOOPBACK.has(host) || host.startsWith('127.')) return undefined;
  return (
    `auth.mode is local (every caller is an admin), so Jarvis listens on loopback only, not on ${host}.\n` +
    'To share it, turn on authentication in jarvis.yaml:\n' +
    '  auth:\n' +
    '    mode: keys            # API keys only; `jarvis keys create` makes the first one\n' +
    '    # mode: oidc          # people sign in with your OpenID provider, machines use keys\n' +
    '    # oidc: { issuer: https://login.example.com/realms/ml, audience: jarvis }\n' +
    'See docs/security.md. Or keep it local: --host 127.0.0.1.'
  );
}
