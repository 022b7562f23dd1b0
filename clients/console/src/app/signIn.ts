/**
 * Who the console acts as. `local`: nobody needs to sign in. `keys`: an API key, pasted once
 * and kept for the tab's life. `oidc`: the provider's sign-in page, authorization code with
 * PKCE (a public client: no secret in the browser), the access token kept for the tab's life.
 */
export interface SignInSettings {
  mode: 'local' | 'keys' | 'oidc';
  oidc?: { issuer: string; clientId: string; scope: string; resource?: string };
}

export const settings: SignInSettings = (
  globalThis as unknown as { JARVIS_CONSOLE: { signIn: SignInSettings } }
).JARVIS_CONSOLE.signIn;

const CREDENTIAL = 'jarvis.console.credential';
const PENDING = 'jarvis.console.pending';

interface Credential {
  authorization: string;
  expiresAt?: number;
}

const listeners = new Set<() => void>();
export const onSessionChange = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const changed = () => {
  for (const listener of listeners) listener();
};

function stored(): Credential | undefined {
  const text = sessionStorage.getItem(CREDENTIAL);
  if (!text) return undefined;
  const credential = JSON.parse(text) as Credential;
  if (credential.expiresAt && credential.expiresAt < Date.now()) {
    sessionStorage.removeItem(CREDENTIAL);
    return undefined;
  }
  return credential;
}

/** Whether the console may call the API now, or must first ask who is there. */
export const signedIn = () => settings.mode === 'local' || stored() !== undefined;

/** The Authorization header for the API, when this mode uses one. */
export async function authorization(): Promise<string | undefined> {
  return settings.mode === 'local' ? undefined : stored()?.authorization;
}

let refused: string | undefined;
/** Why the sign-in screen is back, when the server sent it there. */
export const refusal = () => refused;

/** The server refused the credential (expired, revoked, mistyped): back to the sign-in screen. */
export function signedOut() {
  if (settings.mode === 'local' || !stored()) return;
  sessionStorage.removeItem(CREDENTIAL);
  refused =
    settings.mode === 'keys'
      ? 'Jarvis refused this API key (mistyped, expired or revoked): paste a valid one'
      : 'Your sign-in has expired or was refused: sign in again';
  changed();
}

export function signInWithKey(key: string) {
  refused = undefined;
  sessionStorage.setItem(CREDENTIAL, JSON.stringify({ authorization: `Bearer ${key.trim()}` }));
  changed();
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${location.origin}/`;

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the sign-in provider ${issuer} answered HTTP ${response.status}`);
  return (await response.json()) as Discovery;
}

/** Off to the provider's sign-in page; the view to come back to is remembered. */
export async function beginOidcSignIn(): Promise<void> {
  const oidc = settings.oidc!;
  const { authorization_endpoint } = await discover(oidc.issuer);
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(oidc.resource ? { resource: oidc.resource } : {}),
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the provider with `?code=&state=`: the code and the verifier are exchanged for the
 * access token. Returns an error message when the provider said no or the state does not match.
 */
export async function completeOidcSignIn(): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  if (settings.mode !== 'oidc' || (!params.has('code') && !params.has('error'))) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    hash: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `/${pending?.hash ?? ''}`);
  if (params.has('error'))
    return `the sign-in provider refused: ${params.get('error_description') ?? params.get('error')}`;
  if (!pending || pending.state !== params.get('state'))
    return 'this sign-in was not started here (its state does not match): sign in again';
  const oidc = settings.oidc!;
  const { token_endpoint } = await discover(oidc.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code')!,
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
      ...(oidc.resource ? { resource: oidc.resource } : {}),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!body.access_token)
    return `the sign-in provider gave no token: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`;
  sessionStorage.setItem(
    CREDENTIAL,
    JSON.stringify({
      authorization: `Bearer ${body.access_token}`,
      ...(body.expires_in ? { expiresAt: Date.now() + body.expires_in * 1000 } : {}),
    }),
  );
  changed();
  return undefined;
}

export function signOut() {
  sessionStorage.removeItem(CREDENTIAL);
  changed();
}
