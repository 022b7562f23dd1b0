import { GraphQLError } from 'graphql';
import { ErrorCode } from './errorCodes.ts';

/**
 * An error whose message is safe to show to the caller. Anything that is not a JarvisError
 * (or a GraphQL validation error) is masked by formatError, so internals never leak.
 */
export class JarvisError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'JarvisError';
  }
}

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  new JarvisError(ErrorCode.BAD_USER_INPUT, message, extensions);

export const notFound = (message: string, extensions?: Record<string, unknown>) =>
  new JarvisError(ErrorCode.NOT_FOUND, message, extensions);

export const conflict = (message: string, extensions?: Record<string, unknown>) =>
  new JarvisError(ErrorCode.CONFLICT, message, extensions);

export const backendUnavailable = (backend: string, cause: unknown) =>
  new JarvisError(
    ErrorCode.BACKEND_UNAVAILABLE,
    `${backend} is not answering (${cause instanceof Error ? cause.message : String(cause)}); check it with \`jarvis doctor\``,
    { backend },
  );
