import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { badUserInput, formatError, notFound } from '../src/index.ts';

describe('formatError', () => {
  it('keeps a JarvisError as it is, with its code and extensions', () => {
    const error = new GraphQLError('wrapped', {
      originalError: badUserInput('first must be 0-500', { argument: 'first' }),
    });
    const out = formatError(
      { message: 'first must be 0-500', extensions: { code: 'BAD_USER_INPUT', argument: 'first' } },
      error,
    );
    expect(out).toEqual({
      message: 'first must be 0-500',
      extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
    });
  });

  it('masks an unexpected error: no message, no stack trace, the request id to quote', () => {
    const error = new GraphQLError('connection to 10.0.0.5 refused', {
      originalError: new Error('connection to 10.0.0.5 refused'),
    });
    const out = formatError(
      {
        message: 'connection to 10.0.0.5 refused',
        path: ['x'],
        extensions: { stacktrace: ['at secret.ts:1'] },
      },
      error,
      'req-42',
    );
    expect(out.message).toBe('Internal server error (request req-42); the server log has the details');
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' });
    expect(JSON.stringify(out)).not.toMatch(/10\.0\.0\.5|secret\.ts/);
  });

  it('passes GraphQL validation errors through without their stack traces', () => {
    const out = formatError(
      {
        message: 'Cannot query field "nope" on type "Query".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] },
      },
      new GraphQLError('Cannot query field "nope" on type "Query".'),
    );
    expect(out).toEqual({
      message: 'Cannot query field "nope" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('every helper sets its code', () => {
    expect(notFound('no such run').extensions.code).toBe('NOT_FOUND');
  });
});
