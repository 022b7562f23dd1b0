import { jarvisFromFile, startMinio } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { createUpload, s3Yaml, sha256, uploadArtifact } from './storageApi.ts';

it('S3 options set in jarvis.yaml take effect: the bucket blobs go to, and the region requests are signed for', async () => {
  await using minio = await startMinio();
  await using jarvis = await jarvisFromFile(s3Yaml(minio, 'region: eu-central-1', 'buckets: [team-blobs]'));
  const fetch = jarvis.router.fetch;
  const bytes = Buffer.from('checkpoint '.repeat(1000));
  await uploadArtifact(fetch, bytes, { name: 'resnet', kind: 'MODEL' });

  // Where the bytes went, asked of MinIO itself.
  const client = minio.client();
  expect(await client.bucketExists('team-blobs')).toBe(true);
  expect(await client.bucketExists('jarvis-artifacts')).toBe(false);
  const names: string[] = [];
  for await (const object of client.listObjectsV2('team-blobs', '', true)) names.push(object.name);
  expect(names).toHaveLength(1);
  const stored: Buffer[] = [];
  for await (const chunk of await client.getObject('team-blobs', names[0]!)) stored.push(chunk as Buffer);
  expect(Buffer.concat(stored).equals(bytes)).toBe(true);

  // Presigned part URLs are signed for the configured region.
  const created = await createUpload(fetch, {
    name: 'signed',
    kind: 'DATASET',
    size: 10,
    sha256: sha256(Buffer.alloc(10)),
  });
  const url = new URL(created.data!.createArtifactUpload.parts[0]!.url);
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/eu-central-1\/s3\/aws4_request$/);
});
