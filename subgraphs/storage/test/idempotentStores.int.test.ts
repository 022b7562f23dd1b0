import { createHash, randomBytes } from 'node:crypto';
import { gql, testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const STORE_SMALL = `mutation($i: CreateArtifactUploadInput!, $c: String!) {
  storeSmallArtifact(input: $i, contentBase64: $c) { id version } }`;
const CREATE = 'mutation($i: CreateArtifactUploadInput!) { createArtifactUpload(input: $i) { id } }';

/** A component retrying after a lost answer, or sending twice at once, under one idempotencyKey. */
describe('storing with an idempotencyKey', () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  const q = <T>(query: string, variables: Record<string, unknown>) =>
    gql<T>(jarvis.router.fetch, query, variables);
  beforeAll(async () => {
    jarvis = await testJarvis();
  });
  afterAll(() => jarvis[Symbol.asyncDispose]());

  it('a small artifact stored again under its key is the same artifact, not a new version; twice at once, one wins', async () => {
    const bytes = Buffer.from('{"map": 0.71}');
    const input = {
      name: 'eval/report.json',
      kind: 'REPORT',
      size: bytes.length,
      sha256: sha(bytes),
      idempotencyKey: 'report-1',
    };
    const both = await Promise.all(
      [0, 1].map(() =>
        q<{ storeSmallArtifact: { id: string; version: number } }>(STORE_SMALL, {
          i: input,
          c: bytes.toString('base64'),
        }),
      ),
    );
    const stored = both.filter((r) => r.data).map((r) => r.data!.storeSmallArtifact);
    const refused = both.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code);
    expect(stored.length + refused.length).toBe(2);
    expect(refused.every((code) => code === 'CONFLICT')).toBe(true);
    expect(new Set(stored.map((s) => s.id)).size).toBe(1);
    const first = stored[0]!;
    expect(first.version).toBe(1);
    // The retry after a lost answer: the same artifact.
    const again = await q<{ storeSmallArtifact: { id: string; version: number } }>(STORE_SMALL, {
      i: input,
      c: bytes.toString('base64'),
    });
    expect(again.data!.storeSmallArtifact).toEqual(first);
    const versions = await q<{ artifactByName: { version: number } }>(
      'query { artifactByName(name: "eval/report.json") { version } }',
      {},
    );
    expect(versions.data!.artifactByName.version).toBe(1);
    // The same key for other content is a CONFLICT; without a key, a new version as before.
    const other = Buffer.from('{"map": 0.9}');
    const clash = await q(STORE_SMALL, {
      i: { ...input, size: other.length, sha256: sha(other) },
      c: other.toString('base64'),
    });
    expect(clash.errors![0]!.extensions!.code).toBe('CONFLICT');
    const unkeyed = await q<{ storeSmallArtifact: { version: number } }>(STORE_SMALL, {
      i: { ...input, idempotencyKey: undefined },
      c: bytes.toString('base64'),
    });
    expect(unkeyed.data!.storeSmallArtifact.version).toBe(2);
  });

  it('a failed store frees its key: the retry with the right bytes stores', async () => {
    const bytes = Buffer.from('weights');
    const input = {
      name: 'retry/w.bin',
      kind: 'MODEL',
      size: bytes.length,
      sha256: sha(bytes),
      idempotencyKey: 'w-1',
    };
    const wrong = await q(STORE_SMALL, { i: input, c: Buffer.from('weighTs').toString('base64') });
    expect(wrong.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const right = await q<{ storeSmallArtifact: { version: number } }>(STORE_SMALL, {
      i: input,
      c: bytes.toString('base64'),
    });
    expect(right.errors).toBeUndefined();
    expect(right.data!.storeSmallArtifact.version).toBe(1);
  });

  it('createArtifactUpload twice at once with one key gives both callers the same upload', async () => {
    const bytes = randomBytes(6 * 1024 * 1024);
    const input = {
      name: 'race/big.bin',
      kind: 'OTHER',
      size: bytes.length,
      sha256: sha(bytes),
      idempotencyKey: 'big-1',
    };
    const both = await Promise.all(
      [0, 1].map(() => q<{ createArtifactUpload: { id: string } }>(CREATE, { i: input })),
    );
    expect(both.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(both[0]!.data!.createArtifactUpload.id).toBe(both[1]!.data!.createArtifactUpload.id);
  });
});
