import type { Principal } from '@jarvis/context';
import { jwtVerify, SignJWT } from 'jose';

/** The header the router signs the caller's identity into for subgraphs behind `jarvis serve`. */
export const INTERNAL_HEADER = 'x-jarvis-principal';
const AUDIENCE = 'jarvis-subgraph';
const ISSUER = 'jarvis-router';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Short-lived, so a captured header is worth little; subscriptions re-sign per connection. */
export async function signPrincipal(principal: Principal, secret: string): Promise<string> {
  return new SignJWT({ p: principal })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(keyOf(secret));
}

/** The caller the router vouched for, or throws when the header is missing, forged or stale. */
export async function verifyPrincipal(token: string, secret: string): Promise<Principal> {
  const { payload } = await jwtVerify(token, keyOf(secret), {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['HS256'],
  });
  return payload.p as Principal;
}
