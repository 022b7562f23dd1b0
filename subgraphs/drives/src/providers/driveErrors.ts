import { ErrorCode, JarvisError, notFound } from '@jarvis/errors';

/** remove('') would empty the user's whole drive: never. */
export const rootNotRemovable = (drive: string) =>
  new JarvisError(ErrorCode.BAD_USER_INPUT, `the root of ${drive} cannot be removed`, { path: '' });

/** A path the drive does not have. */
export const missingOnDrive = (drive: string, path: string) =>
  notFound(`${drive} has nothing at ${JSON.stringify(path || '/')}`, { path });

/**
 * What a provider's HTTP status means to the user, with what to do next. Anything else is the
 * provider failing: BACKEND_UNAVAILABLE, which a client may retry.
 */
export function providerError(
  drive: string,
  status: number | undefined,
  detail: string,
  extras: { path?: string; retryAfterMs?: number } = {},
): JarvisError {
  const { path } = extras;
  const where = path !== undefined ? ` at ${JSON.stringify(path || '/')}` : '';
  if (status === 401)
    return new JarvisError(
      ErrorCode.UNAUTHENTICATED,
      `${drive} no longer accepts its credentials (${detail}); reconnect the drive`,
      { reason: 'DRIVE_NEEDS_RECONNECT' },
    );
  if (status === 403)
    return new JarvisError(
      ErrorCode.FORBIDDEN,
      `${drive} refuses this${where} (${detail}); check the account's permissions`,
      extras,
    );
  if (status === 404) return notFound(`${drive} has nothing${where}`, extras);
  if (status === 409 || status === 412 || status === 423)
    return new JarvisError(
      ErrorCode.CONFLICT,
      `${drive} reports a conflict${where} (${detail}); try again`,
      extras,
    );
  if (status === 413 || status === 507)
    return new JarvisError(
      ErrorCode.LIMIT_EXCEEDED,
      `${drive} is out of space or refuses the size${where} (${detail})`,
      {
        ...extras,
        reason: 'DRIVE_QUOTA',
      },
    );
  if (status === 429)
    return new JarvisError(
      ErrorCode.LIMIT_EXCEEDED,
      `${drive} is rate limiting${extras.retryAfterMs ? `; retry in ${Math.ceil(extras.retryAfterMs / 1000)} s` : '; retry later'}`,
      { ...extras, reason: 'DRIVE_RATE_LIMITED' },
    );
  return new JarvisError(ErrorCode.BACKEND_UNAVAILABLE, `${drive} failed${where} (${detail}); try again`, {
    ...extras,
    backend: drive,
  });
}

/** Retry-After in milliseconds, from seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
