/**
 * The origin clients reach Jarvis on, for absolute URLs handed back to them: a reverse proxy's
 * (and the router's, in front of a subgraph of its own) `x-forwarded-host`/`-proto` when set,
 * otherwise the request's own.
 */
export function publicOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  if (!host || !/^[A-Za-z0-9.[\]:-]+$/.test(host)) return url.origin;
  return `${proto === 'https' || proto === 'http' ? proto : url.protocol.replace(':', '')}://${host}`;
}
