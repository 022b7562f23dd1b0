import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gql, jarvisFromFile, waitFor } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { createUpload, type Fetch, sha256 } from './storageApi.ts';

const STORE_SMALL = `mutation($input: CreateArtifactUploadInput!, $c: String!) {
  storeSmallArtifact(input: $input, contentBase64: $c) { id compressed } }`;

function storeSmall(fetch: Fetch, name: string, kind: string, bytes: Buffer) {
  return gql<{ storeSmallArtifact: { id: string; compressed: boolean } }>(fetch, STORE_SMALL, {
    input: { name, kind, size: bytes.length, sha256: sha256(bytes) },
    c: bytes.toString('base64'),
  });
}

it('storage options set in jarvis.yaml take effect: path, max_inline_bytes, compress_kinds, upload_expiry_hours, gc_interval_minutes', async () => {
  await using jarvis = await jarvisFromFile(`
database: { url: "pglite:memory" }
log: { level: silent }
services:
  storage:
    path: kept-here               # under home
    max_inline_bytes: 4096
    compress_kinds: [MODEL]
    upload_expiry_hours: 0.0005   # 1.8 s
    gc_interval_minutes: 0.01     # every 0.6 s
`);
  const fetch = jarvis.router.fetch;
  const text = Buffer.from('weights '.repeat(512)); // 4096 bytes, compresses well

  // max_inline_bytes: 4096 fits, one byte more is LIMIT_EXCEEDED naming the option.
  const over = await storeSmall(fetch, 'too-big', 'OTHER', Buffer.concat([text, Buffer.from('!')]));
  expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 4096, actual: 4097 });
  expect(over.errors?.[0]?.message).toContain('services.storage.max_inline_bytes');

  // compress_kinds: MODEL now is compressed, LOG (the default's kind) is not.
  const model = await storeSmall(fetch, 'model', 'MODEL', text);
  expect(model.errors).toBeUndefined();
  expect(model.data!.storeSmallArtifact.compressed).toBe(true);
  // path: the blob rests in the folder named, under home.
  const kept = readdirSync(path.join(jarvis.home, 'kept-here'), { recursive: true, encoding: 'utf8' });
  expect(
    kept.filter((f) => statSync(path.join(jarvis.home, 'kept-here', f)).isFile()).length,
  ).toBeGreaterThan(0);
  const log = await storeSmall(fetch, 'log', 'LOG', Buffer.from(`different ${text}`).subarray(0, 4000));
  expect(log.data!.storeSmallArtifact.compressed).toBe(false);

  // upload_expiry_hours + gc_interval_minutes: an upload left unfinished expires and is collected
  // by the background collector, with no call from anyone.
  const created = await createUpload(fetch, {
    name: 'left-behind',
    kind: 'DATASET',
    size: text.length,
    sha256: sha256(text),
  });
  const id = created.data!.createArtifactUpload.id;
  const status = async () =>
    (
      await gql<{ artifactUpload: { status: string } | null }>(
        fetch,
        `{ artifactUpload(id: "${id}") { status } }`,
      )
    ).data?.artifactUpload?.status;
  expect(await status()).toBe('PENDING');
  await waitFor(
    'the background collector to expire the unfinished upload',
    async () => (await status()) === 'EXPIRED',
  );
});
