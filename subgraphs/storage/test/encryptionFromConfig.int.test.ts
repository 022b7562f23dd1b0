import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gql, jarvisFromFile, type MinioServer, startMinio } from '@jarvis/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { complete, createUpload, download, s3Yaml, sendPart, sha256, uploadArtifact } from './storageApi.ts';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The key comes from the environment, as the README tells users to keep it. */
const ENV = { JARVIS_STORAGE_KEY: randomBytes(32).toString('base64') };

/** A marker repeated through the payload, so any plain run of it on disk is found. */
const MARKER = Buffer.from('JARVIS-PLAINTEXT-MARKER-7f3a9c');
const secretPayload = (size: number) => {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) MARKER.copy(out, i);
  return out;
};

/** jarvis.yaml for the S3 store on `minio` with encryption on. */
const encryptedS3Yaml = (minio: MinioServer) => s3Yaml(minio, 'encrypt: true');

describe('encryption at rest, configured in jarvis.yaml', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('local store: an upload through the router rests encrypted; it downloads identical; { config } hides the key', async () => {
    await using jarvis = await jarvisFromFile(
      `
database: { url: "pglite:memory" }
log: { level: silent }
services:
  storage:
    encrypt: true
    encryption_key: \${JARVIS_STORAGE_KEY}
`,
      ENV,
    );
    const bytes = secretPayload(6 * 1024 * 1024 + 77);
    const fetch = jarvis.router.fetch;
    const note = secretPayload(10_000);
    const small = await gql<{ storeSmallArtifact: { id: string } }>(
      fetch,
      'mutation($input: CreateArtifactUploadInput!, $c: String!) { storeSmallArtifact(input: $input, contentBase64: $c) { id } }',
      {
        input: { name: 'notes.txt', kind: 'OTHER', size: note.length, sha256: sha256(note) },
        c: note.toString('base64'),
      },
    );
    expect(small.errors).toBeUndefined();
    const blobs = path.join(jarvis.home, 'blobs');
    const plainFiles = () => filesUnder(blobs).filter((file) => readFileSync(file).includes(MARKER));

    // Mid-upload: parts staged, not yet completed, are sealed too.
    const created = await createUpload(fetch, {
      name: 'weights.bin',
      kind: 'MODEL',
      size: bytes.length,
      sha256: sha256(bytes),
      partSize: 5 * 1024 * 1024,
    });
    const upload = created.data!.createArtifactUpload;
    for (const part of upload.parts) await sendPart(fetch, upload, part.partNumber, bytes);
    expect(filesUnder(path.join(blobs, 'uploads')).length).toBeGreaterThan(0);
    expect(plainFiles()).toEqual([]);
    const { receivedParts } = (
      await gql<{ artifactUpload: { receivedParts: { size: number }[] } }>(
        fetch,
        `{ artifactUpload(id: "${upload.id}") { receivedParts { size } } }`,
      )
    ).data!.artifactUpload;
    // Parts are listed by their plain size, so a resuming client sees what it sent.
    expect(receivedParts.map((p) => p.size)).toEqual(upload.parts.map((p) => p.size));
    const completed = await complete(fetch, upload.id);
    expect(completed.errors).toBeUndefined();
    const artifact = completed.data!.completeArtifactUpload as { contentPath: string };
    const got = await download(fetch, artifact.contentPath);
    expect(got.status).toBe(200);
    expect(sha256(got.body)).toBe(sha256(bytes));

    expect(filesUnder(blobs).length).toBeGreaterThan(0);
    expect(plainFiles()).toEqual([]);

    const shown = await gql<{ config: Record<string, unknown> }>(fetch, '{ config }');
    expect(shown.errors).toBeUndefined();
    const text = JSON.stringify(shown.data!.config);
    expect(text).not.toContain(jarvis.runtime.config.services.storage.encryption_key!);
    expect(text).toContain('"encryption_key":"[redacted]"');
  });

  it('S3 (MinIO with a KMS): objects rest encrypted in MinIO’s data directory, and download identical', async () => {
    await using minio = await startMinio({ kms: true });
    await using jarvis = await jarvisFromFile(encryptedS3Yaml(minio), ENV);
    const bytes = secretPayload(5 * 1024 * 1024 + 4321);
    const artifact = await uploadArtifact(jarvis.router.fetch, bytes, {
      name: 'weights.bin',
      kind: 'MODEL',
      partSize: 5 * 1024 * 1024,
    });
    const got = await download(jarvis.router.fetch, artifact.downloadUrl);
    expect(sha256(got.body)).toBe(sha256(bytes));
    const files = filesUnder(path.join(minio.dataDir, 'jarvis-artifacts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(readFileSync(file).includes(MARKER), `${file} holds plain text`).toBe(false);
    // The control: the same bytes on a bucket without encryption are found in plain text.
    const client = minio.client();
    await client.makeBucket('plain');
    await client.putObject('plain', 'control.bin', bytes);
    const plain = filesUnder(path.join(minio.dataDir, 'plain'));
    expect(plain.some((f) => readFileSync(f).includes(MARKER))).toBe(true);
  });

  it('S3 that cannot encrypt (MinIO without a KMS): Jarvis refuses to start and says what to do', async () => {
    await using minio = await startMinio();
    await expect(jarvisFromFile(encryptedS3Yaml(minio), ENV)).rejects.toThrow(
      /services\.storage\.encrypt is on, but .* refused to encrypt .*KMS/,
    );
    // Nothing was left behind by the probe.
    const names: string[] = [];
    for await (const o of minio.client().listObjectsV2('jarvis-artifacts', '', true))
      names.push((o as { name: string }).name);
    expect(names).toEqual([]);
  });
});
