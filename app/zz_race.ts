import { createHash, randomBytes } from 'node:crypto';
import { gql, testJarvis } from '@jarvis/testkit';

const j = await testJarvis();
const bytes = randomBytes(6 * 1024 * 1024);
const input = {
  name: 'race/big.bin',
  kind: 'OTHER',
  size: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  idempotencyKey: 'same-key',
};
const r = await Promise.all(
  [0, 1].map(() =>
    gql(
      j.router.fetch,
      'mutation($i: CreateArtifactUploadInput!) { createArtifactUpload(input: $i) { id } }',
      { i: input },
    ),
  ),
);
console.log(JSON.stringify(r.map((x) => x.errors?.[0]?.extensions?.code ?? x.data)));
const small = Buffer.from('hello');
const si = {
  name: 'race/small.txt',
  kind: 'OTHER',
  size: 5,
  sha256: createHash('sha256').update(small).digest('hex'),
  idempotencyKey: 'small-key',
};
const s = await Promise.all(
  [0, 1].map(() =>
    gql(
      j.router.fetch,
      'mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id version } }',
      { i: si, c: small.toString('base64') },
    ),
  ),
);
console.log(JSON.stringify(s.map((x) => x.errors?.[0]?.extensions?.code ?? x.data)));
const again = await gql(
  j.router.fetch,
  'mutation($i: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $i, contentBase64: $c) { id version } }',
  { i: si, c: small.toString('base64') },
);
console.log(JSON.stringify(again.data ?? again.errors));
await j[Symbol.asyncDispose]();
