import type { IdentityService } from '@jarvis/subgraph-identity';
import { jarvisFromFile } from '@jarvis/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessDataSource } from '../src/inProcessDataSource.ts';

/**
 * Holds every subgraph call until released, so requests sent together are certainly in flight
 * together; counts the calls. What is shared shows as fewer subgraph calls, never as another
 * answer.
 */
const original = InProcessDataSource.prototype.process;

function gatedSubgraphs() {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const calls: string[] = [];
  vi.spyOn(InProcessDataSource.prototype, 'process').mockImplementation(async function (
    this: InProcessDataSource,
    ...args: Parameters<InProcessDataSource['process']>
  ) {
    calls.push(args[0].request.query ?? '');
    await gate;
    return original.apply(this, args);
  });
  return { calls, release };
}

const post = (
  fetch: (r: Request) => Promise<Response>,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  fetch(
    new Request('http://jarvis.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );

/** Sends `n` requests at once, lets the subgraphs answer once all are in, and reads every answer. */
async function together(
  jarvis: { router: { fetch(r: Request): Promise<Response> } },
  bodies: { body: unknown; headers?: Record<string, string> }[],
) {
  const gated = gatedSubgraphs();
  const responses = bodies.map((b) => post(jarvis.router.fetch, b.body, b.headers));
  await vi.waitFor(() => expect(gated.calls.length).toBeGreaterThan(0), { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 50)); // the rest arrive while the first is held
  gated.release();
  vi.restoreAllMocks();
  const answers = await Promise.all(
    (await Promise.all(responses)).map(async (r) => ({
      status: r.status,
      requestId: r.headers.get('x-request-id'),
      json: (await r.json()) as {
        data?: Record<string, unknown>;
        errors?: { extensions: { code: string } }[];
      },
    })),
  );
  return { answers, calls: gated.calls };
}

describe('identical queries in flight share one execution (router.deduplication.inbound)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('by default: ten identical queries at once make one subgraph call; each caller gets the whole answer and its own request id', async () => {
    await using jarvis = await jarvisFromFile('database:\n  url: "pglite:memory"\nlog:\n  level: silent\n');
    await jarvis.router.fetch(
      new Request('http://jarvis.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { createExperiment(name: "shared") { id } }' }),
      }),
    );
    const query = { query: '{ experiments(first: 5) { totalCount edges { node { name } } } }' };
    const { answers, calls } = await together(
      jarvis,
      Array.from({ length: 10 }, () => ({ body: query })),
    );
    expect(calls).toHaveLength(1);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json.data).toEqual({
        experiments: { totalCount: 2, edges: [{ node: { name: 'Default' } }, { node: { name: 'shared' } }] },
      });
    }
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(10);

    // Other variables are another question: each runs.
    const varied = await together(
      jarvis,
      [1, 2, 3].map((n) => ({
        body: { query: 'query($n: Int) { experiments(first: $n) { totalCount } }', variables: { n } },
      })),
    );
    expect(varied.calls).toHaveLength(3);
  });

  it('never shares a mutation: the same one twice at once runs twice, one winner and one CONFLICT', async () => {
    await using jarvis = await jarvisFromFile('database:\n  url: "pglite:memory"\nlog:\n  level: silent\n');
    const mutation = { query: 'mutation { createExperiment(name: "twice") { id } }' };
    const { answers, calls } = await together(jarvis, [{ body: mutation }, { body: mutation }]);
    expect(calls).toHaveLength(2);
    const codes = answers.map((a) => a.json.errors?.[0]?.extensions.code ?? 'ok').sort();
    expect(codes).toEqual(['CONFLICT', 'ok']);
  });

  it('never shares between callers: two API keys asking the same thing each get their own execution', async () => {
    await using jarvis = await jarvisFromFile(
      'database:\n  url: "pglite:memory"\nlog:\n  level: silent\nauth:\n  mode: keys\n',
    );
    const identity = jarvis.subgraphs.find((m) => m.name === 'identity')!.service as IdentityService;
    const key = async (name: string) =>
      (await identity.issueKey({ projectId: 'default', name, role: 'viewer' })).secret;
    const [a, b] = [await key('a'), await key('b')];
    const query = { query: '{ experiments(first: 5) { totalCount } }' };
    const { answers, calls } = await together(jarvis, [
      { body: query, headers: { authorization: `Bearer ${a}` } },
      { body: query, headers: { authorization: `Bearer ${a}` } },
      { body: query, headers: { authorization: `Bearer ${b}` } },
    ]);
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200]);
    expect(calls).toHaveLength(2);
  });

  it('switched off in jarvis.yaml, every request runs on its own', async () => {
    await using jarvis = await jarvisFromFile(
      'database:\n  url: "pglite:memory"\nlog:\n  level: silent\nrouter:\n  deduplication:\n    inbound: false\n',
    );
    const query = { query: '{ experiments(first: 5) { totalCount } }' };
    const { answers, calls } = await together(
      jarvis,
      Array.from({ length: 4 }, () => ({ body: query })),
    );
    expect(calls).toHaveLength(4);
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});
