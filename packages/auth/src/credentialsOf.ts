/** What a request presents: an API key, a bearer token (a JWT), or nothing. */
export type Credential =
  | { kind: 'apiKey'; secret: string }
  | { kind: 'token'; token: string }
  | { kind: 'none' };

/**
 * Reads the caller's credentials the ways clients send them: `Authorization: Bearer` (the SDK,
 * the worker, `MLFLOW_TRACKING_TOKEN`), `Authorization: Basic` with the key as the password
 * (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`), or `x-api-key`.
 */
export function credentialsOf(headers: Headers): Credential {
  const authorization = headers.get('authorization')?.trim();
  if (authorization) {
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'bearer')
      return value.startsWith('jv_') ? { kind: 'apiKey', secret: value } : { kind: 'token', token: value };
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const password = colon < 0 ? decoded : decoded.slice(colon + 1);
      return password.startsWith('jv_')
        ? { kind: 'apiKey', secret: password }
        : { kind: 'token', token: password };
    }
    return { kind: 'token', token: authorization };
  }
  const key = headers.get('x-api-key')?.trim();
  if (key) return { kind: 'apiKey', secret: key };
  return { kind: 'none' };
}
