/**
 * The authorization-code flow with PKCE as RFC 6749 and RFC 7636 define it, and as Google's
 * and Microsoft's sign-in services answer it (errors as `{ error, error_description }`):
 * registered clients and redirect URIs, a consent that the test's "user" always gives, codes
 * used once, S256 checked, refresh tokens (rotated when `rotate` is set, as Microsoft does)
 * that a revocation ends. Mounted by each provider's fake on its own paths.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  used: boolean;
}

export interface OAuthEndpoints {
  /** Answers the request when it is for the authorize or token path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  registerClient(clientId: string, clientSecret: string, redirectUri: string): void;
  /** The user removes the app's access: its refresh tokens stop working. */
  revokeAll(): void;
  /** Seconds an access token lives. */
  setExpiresIn(seconds: number): void;
  refreshes(): number;
}

export function oauthEndpoints(options: {
  authorizePath: string;
  tokenPath: string;
  issueAccessToken: () => string;
  rotate: boolean;
}): OAuthEndpoints {
  const clients = new Map<string, { secret: string; redirectUri: string }>();
  const codes = new Map<string, Grant>();
  const refreshTokens = new Map<string, { clientId: string; scope: string }>();
  let expiresIn = 3599;
  let refreshes = 0;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  /** Answers with an OAuth error; true, as `handle` answers for a request it took. */
  const refused = (res: ServerResponse, status: number, error: string, description: string) => {
    json(res, status, { error, error_description: description });
    return true;
  };

  return {
    async handle(req, res, url) {
      if (url.pathname === options.authorizePath && req.method === 'GET') {
        const q = url.searchParams;
        const client = clients.get(q.get('client_id') ?? '');
        // Without a known client and its exact redirect URI, nothing may be redirected.
        if (!client || client.redirectUri !== q.get('redirect_uri')) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('invalid_request: unknown client or redirect_uri');
          return true;
        }
        const back = new URL(client.redirectUri);
        if (q.get('state')) back.searchParams.set('state', q.get('state')!);
        if (
          q.get('response_type') !== 'code' ||
          q.get('code_challenge_method') !== 'S256' ||
          !q.get('code_challenge')
        ) {
          back.searchParams.set('error', 'invalid_request');
          back.searchParams.set(
            'error_description',
            'response_type=code with an S256 code_challenge is required',
          );
        } else {
          const code = randomBytes(16).toString('base64url');
          codes.set(code, {
            clientId: q.get('client_id')!,
            redirectUri: client.redirectUri,
            challenge: q.get('code_challenge')!,
            scope: q.get('scope') ?? '',
            used: false,
          });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.href });
        res.end();
        return true;
      }
      if (url.pathname === options.tokenPath && req.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const client = clients.get(form.get('client_id') ?? '');
        if (!client || client.secret !== (form.get('client_secret') ?? ''))
          return refused(
            res,
            401,
            'invalid_client',
            'The OAuth client was not found or its secret is wrong.',
          );
        const issue = (scope: string, refreshToken?: string) => {
          const refresh = refreshToken ?? `1//${randomBytes(24).toString('base64url')}`;
          refreshTokens.set(refresh, { clientId: form.get('client_id')!, scope });
          return json(res, 200, {
            access_token: options.issueAccessToken(),
            token_type: 'Bearer',
            expires_in: expiresIn,
            scope,
            refresh_token: refresh,
          });
        };
        if (form.get('grant_type') === 'authorization_code') {
          const grant = codes.get(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          if (
            !grant ||
            grant.used ||
            grant.clientId !== form.get('client_id') ||
            grant.redirectUri !== form.get('redirect_uri') ||
            createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
          )
            return refused(
              res,
              400,
              'invalid_grant',
              'Malformed auth code, or a code_verifier that does not match.',
            );
          grant.used = true;
          issue(grant.scope);
          return true;
        }
        if (form.get('grant_type') === 'refresh_token') {
          const known = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!known || known.clientId !== form.get('client_id'))
            return refused(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
          refreshes++;
          if (options.rotate) {
            refreshTokens.delete(form.get('refresh_token')!);
            issue(known.scope);
          } else {
            json(res, 200, {
              access_token: options.issueAccessToken(),
              token_type: 'Bearer',
              expires_in: expiresIn,
              scope: known.scope,
            });
          }
          return true;
        }
        return refused(
          res,
          400,
          'unsupported_grant_type',
          `grant_type ${form.get('grant_type')} is not supported.`,
        );
      }
      return false;
    },
    registerClient(clientId, clientSecret, redirectUri) {
      clients.set(clientId, { secret: clientSecret, redirectUri });
    },
    revokeAll() {
      refreshTokens.clear();
    },
    setExpiresIn(seconds) {
      expiresIn = seconds;
    },
    refreshes: () => refreshes,
  };
}
