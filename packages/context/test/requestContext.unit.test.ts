import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  createRequestContext,
  currentContext,
  LOCAL_PRINCIPAL,
  requestIdFrom,
  runWithContext,
} from '../src/index.ts';

describe('request context', () => {
  it("stamps every log line with the request id and the principal's user and project", async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk) => lines.push(...chunk.toString().trim().split('\n')));
    const context = createRequestContext(createLogger({ destination: stream }), LOCAL_PRINCIPAL, 'req-1');
    runWithContext(context, () => currentContext()!.logger.info({ authorization: 'Bearer x' }, 'hello'));
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ requestId: 'req-1', userId: 'local', projectId: 'default', msg: 'hello' });
    expect(line.authorization).toBe('[redacted]');
  });

  it('honours a sane x-request-id and replaces anything else', () => {
    expect(requestIdFrom(new Headers({ 'x-request-id': 'abc-123' }))).toBe('abc-123');
    const replaced = requestIdFrom(new Headers({ 'x-request-id': 'bad id with spaces and ; semicolons' }));
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});
