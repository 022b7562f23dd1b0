import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jarvisError, networkError } from '../jarvisErrors.ts';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * PUTs bytes [start, start + length) of a file with a Content-Length (S3's presigned part URLs
 * refuse chunked bodies, which fetch would send for a stream), counting bytes as they leave.
 * A broken connection or a 5xx is a JarvisNetworkError / BackendUnavailableError (retry the
 * part); a 4xx is the typed error the answer carries.
 */
export async function putFileRange(
  target: URL,
  headers: Record<string, string>,
  file: { path: string; start: number; length: number },
  onBytes: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const secure = target.protocol === 'https:';
  const request = (secure ? https : http).request(target, {
    method: 'PUT',
    agent: secure ? agents.https : agents.http,
    headers: {
      ...headers,
      'content-length': String(file.length),
      'content-type': 'application/octet-stream',
    },
    signal,
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.once('error', reject);
    });
    request.once('error', reject);
  });
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  let result: { status: number; body: string };
  try {
    const source =
      file.length === 0
        ? []
        : createReadStream(file.path, { start: file.start, end: file.start + file.length - 1 });
    const [, answer] = await Promise.all([pipeline(source, counted, request), answered]);
    result = answer;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw networkError(target.origin, error);
  }
  if (result.status < 300) return;
  let parsed: { error?: string; code?: string; message?: string } = {};
  try {
    parsed = JSON.parse(result.body) as typeof parsed;
  } catch {
    // S3 answers XML; its <Message> is the part worth showing.
    parsed = { error: /<Message>([^<]*)<\/Message>/.exec(result.body)?.[1] ?? result.body.slice(0, 200) };
  }
  const message =
    `uploading bytes ${file.start}-${file.start + file.length - 1} to ${target.pathname}: HTTP ${result.status} ${parsed.error ?? parsed.message ?? ''}`.trim();
  throw jarvisError(message, {
    code:
      parsed.code ??
      (result.status >= 500 ? 'BACKEND_UNAVAILABLE' : result.status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT'),
    http: { status: result.status },
  });
}
