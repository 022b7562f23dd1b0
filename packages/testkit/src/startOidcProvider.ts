import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import Provider from 'oidc-provider';

export interface OidcUser {
  email?: string;
  name?: string;
  groups?: string[];
}

export interface OidcProvider extends AsyncDisposable {
  /** The issuer URL (its discovery document is at /.well-known/openid-configuration). */
  issuer: string;
  /** The audience the access tokens carry (the API's identifier). */
  audience: string;
  /** The resource indicator (RFC 8707) a client names to get a JWT access token for the API. */
  resource: string;
  /** Signs a user in through the authorization code flow (with PKCE) and returns the JWT access token. */
  signIn(user: string): Promise<string>;
  /** A token signed with the provider's own key, with any claims: expired, another audience, … */
  forge(claims: JWTPayload, options?: { expiresIn?: string | number; kid?: string }): Promise<string>;
  stop(): Promise<void>;
}

const CLIENT = { id: 'jarvis-cli', secret: 'jarvis-cli-secret', redirect: 'http://127.0.0.1/callback' };
const RESOURCE = 'https://jarvis.example/api';

/**
 * `oidc-provider` (OpenID Certified) on a free loopback port, issuing JWT access tokens for the
 * given users and their groups through the real authorization code flow; the login and consent
 * screens are answered by the test (login_hint names the user).
 */
export async function startOidcProvider(
  users: Record<string, OidcUser>,
  audience = 'jarvis',
  options: {
    /** Browser apps (the web console): no secret, PKCE, CORS from their redirect's origin. */
    publicClients?: { id: string; redirect: string }[];
  } = {},
): Promise<OidcProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const claimsOf = (sub: string) => ({ sub, ...users[sub] });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [CLIENT.redirect],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      ...(options.publicClients ?? []).map((client) => ({
        client_id: client.id,
        token_endpoint_auth_method: 'none' as const,
        redirect_uris: [client.redirect],
        grant_types: ['authorization_code'],
        response_types: ['code'] as const,
      })),
    ],
    jwks: { keys: [jwk] },
    findAccount: async (_ctx, sub) =>
      users[sub] ? { accountId: sub, claims: async () => claimsOf(sub) } : undefined,
    claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: 'api',
          audience,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      const account = (token as { accountId?: string }).accountId;
      return account
        ? { email: users[account]?.email, name: users[account]?.name, groups: users[account]?.groups ?? [] }
        : undefined;
    },
  });
  const callback = provider.callback();
  // The login and consent "screens": the user named by login_hint signs in and consents. With
  // no hint (a browser app), a login form asks for the user's name, as a provider's page would.
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        let accountId = details.params.login_hint as string | undefined;
        if (!accountId && req.method === 'POST') {
          let body = '';
          for await (const chunk of req) body += chunk;
          accountId = new URLSearchParams(body).get('login') ?? undefined;
        }
        if (!accountId) {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(
            `<!doctype html><title>Sign in</title><form method="post" action="${req.url}"><label>User <input name="login" autofocus></label><button type="submit">Sign in</button></form>`,
          );
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({
            accountId: details.session!.accountId,
            clientId: String(details.params.client_id),
          });
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  /** Follows the provider's redirects with a cookie jar, as a browser would, until the client's callback. */
  async function signIn(user: string): Promise<string> {
    const cookies = new Map<string, string>();
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    let url = `${issuer}/auth?${new URLSearchParams({
      client_id: CLIENT.id,
      response_type: 'code',
      redirect_uri: CLIENT.redirect,
      scope: 'openid email profile groups api',
      resource: RESOURCE,
      login_hint: user,
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(CLIENT.redirect)) {
        const params = new URL(url).searchParams;
        const code = params.get('code');
        if (!code)
          throw new Error(`the provider refused: ${params.get('error')} ${params.get('error_description')}`);
        const token = await fetch(`${issuer}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: CLIENT.redirect,
            code_verifier: verifier,
            resource: RESOURCE,
          }),
        });
        const body = (await token.json()) as {
          access_token?: string;
          error?: string;
          error_description?: string;
        };
        if (!body.access_token) throw new Error(`no token: ${body.error} ${body.error_description}`);
        return body.access_token;
      }
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = response.headers.get('location');
      if (!location)
        throw new Error(
          `sign-in stopped at ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
        );
      await response.body?.cancel();
      url = new URL(location, url).toString();
    }
    throw new Error('sign-in did not finish in 20 redirects');
  }

  async function stop() {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return {
    issuer,
    audience,
    resource: RESOURCE,
    signIn,
    async forge(claims, options = {}) {
      const jwt = new SignJWT({ iss: issuer, aud: audience, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? jwk.kid })
        .setIssuedAt();
      if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
      else if (claims.exp === undefined) jwt.setExpirationTime('10m');
      return jwt.sign(privateKey);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
