import { Writable } from 'node:stream';
import { createLogger } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { logOperationError } from '../src/logOperationErrors.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination }).child({ requestId: 'req-7' });
  return { logger, lines };
}

const fromResolver = (original: Error, path = ['artifact']) =>
  new GraphQLError(original.message, { path, originalError: original });

describe('logOperationError', () => {
  it("logs a caller's bad input at info with its code and no stack", () => {
    const { logger, lines } = capture();
    expect(logOperationError(logger, fromResolver(badUserInput('id must be a UUID')))).toBe('BAD_USER_INPUT');
    logOperationError(logger, fromResolver(notFound('no artifact 42')));
    logOperationError(
      logger,
      new GraphQLError('Cannot query field "nope"', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
    expect(lines.map((l) => [l.level, l.msg, l.code])).toEqual([
      [30, 'operation refused', 'BAD_USER_INPUT'],
      [30, 'operation refused', 'NOT_FOUND'],
      [30, 'operation refused', 'GRAPHQL_VALIDATION_FAILED'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('stack');
    expect(lines[0]).toMatchObject({ requestId: 'req-7', message: 'id must be a UUID', path: ['artifact'] });
  });

  it('logs a bug at error with its stack and the request id', () => {
    const { logger, lines } = capture();
    const code = logOperationError(
      logger,
      fromResolver(new TypeError("Cannot read properties of undefined (reading 'id')")),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'operation failed', requestId: 'req-7' });
    expect((lines[0]!.err as { stack: string }).stack).toContain('TypeError');
  });

  it('says nothing more of an error a subgraph already masked (and logged)', () => {
    const { logger, lines } = capture();
    logOperationError(
      logger,
      new GraphQLError('Internal server error (request req-7)', {
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    );
    expect(lines).toEqual([]);
  });
});
