/**
 * A GraphQL error from Jarvis, as an exception: `code` is its `extensions.code`, and the subclass
 * says the same, so `catch (e) { if (e instanceof NotFoundError) … }` reads as what happened.
 */
export class JarvisRequestError extends Error {
  readonly code: string;
  readonly extensions: Record<string, unknown>;
  constructor(message: string, extensions: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    this.extensions = extensions;
  }

  /** True when trying again later can succeed: Jarvis or a backend was unreachable. */
  get transient(): boolean {
    return this.code === 'BACKEND_UNAVAILABLE' || this.code === 'NETWORK_ERROR';
  }
}

/** `BAD_USER_INPUT`: the input is wrong; `extensions` names the place (`pointer`, `problems`, …). */
export class BadUserInputError extends JarvisRequestError {}
/** `NOT_FOUND`: no such thing in this project (or the caller may not see it). */
export class NotFoundError extends JarvisRequestError {}
/** `CONFLICT`: the thing is in a state that does not allow this (a finished run, a completed upload, …). */
export class ConflictError extends JarvisRequestError {}
/** `UNAUTHENTICATED`: no credentials, or an API key that is unknown, expired or revoked. */
export class UnauthenticatedError extends JarvisRequestError {}
/** `FORBIDDEN`: the caller's role does not allow it, or the router runs trusted documents only. */
export class ForbiddenError extends JarvisRequestError {}
/** `LIMIT_EXCEEDED`: an operation or body limit; `extensions.limit`, `max` and `measured` say which. */
export class LimitExceededError extends JarvisRequestError {}
/** `BACKEND_UNAVAILABLE`: an engine behind Jarvis is down; retrying later can succeed. */
export class BackendUnavailableError extends JarvisRequestError {}
/** `NETWORK_ERROR`: Jarvis itself could not be reached, or the connection broke mid-answer. */
export class JarvisNetworkError extends JarvisRequestError {}
/** `CHECKSUM_MISMATCH`: bytes read back do not have the artifact's sha256; nothing was kept. */
export class ChecksumMismatchError extends JarvisRequestError {}

const BY_CODE: Record<
  string,
  new (
    message: string,
    extensions: Record<string, unknown>,
  ) => JarvisRequestError
> = {
  BAD_USER_INPUT: BadUserInputError,
  GRAPHQL_VALIDATION_FAILED: BadUserInputError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  UNAUTHENTICATED: UnauthenticatedError,
  FORBIDDEN: ForbiddenError,
  LIMIT_EXCEEDED: LimitExceededError,
  BACKEND_UNAVAILABLE: BackendUnavailableError,
  NETWORK_ERROR: JarvisNetworkError,
  CHECKSUM_MISMATCH: ChecksumMismatchError,
};

/** The typed exception for a GraphQL error's message and extensions. */
export function jarvisError(message: string, extensions: Record<string, unknown> = {}): JarvisRequestError {
  const Type = BY_CODE[String(extensions.code)] ?? JarvisRequestError;
  return new Type(message, extensions);
}

/** A failure to reach Jarvis at all (refused, reset, DNS), with what to check next. */
export function networkError(url: string, cause: unknown): JarvisNetworkError {
  const reason =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? cause.cause.message
        : cause.message
      : String(cause);
  return new JarvisNetworkError(
    `cannot reach Jarvis at ${url} (${reason}); is it running (\`npx jarvis dev\`) and is the URL right?`,
    { code: 'NETWORK_ERROR' },
    { cause },
  );
}
