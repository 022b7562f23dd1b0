import { createHash } from 'node:crypto';
import { gql, type MinioServer } from '@jarvis/testkit';
import { expect } from 'vitest';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export type Fetch = (request: Request) => Promise<Response>;

/** Sends a request to Jarvis (a path) or straight out (an absolute, presigned URL). */
export function send(fetch: Fetch, url: string, init: RequestInit): Promise<Response> {
  if (/^https?:\/\//.test(url)) return globalThis.fetch(url, init);
  return fetch(new Request(`http://jarvis.test${url}`, init));
}

export interface Upload {
  id: string;
  partSize: number;
  presigned: boolean;
  parts: { partNumber: number; url: string; size: number }[];
}

export const UPLOAD_FIELDS = 'id partSize presigned parts { partNumber url size }';
export const ARTIFACT_FIELDS =
  'id name version kind size sha256 aliases runId component tags metadata contentPath downloadUrl';

export async function createUpload(fetch: Fetch, input: Record<string, unknown>) {
  return gql<{ createArtifactUpload: Upload }>(
    fetch,
    `mutation($input: CreateArtifactUploadInput!) { createArtifactUpload(input: $input) { ${UPLOAD_FIELDS} } }`,
    { input },
  );
}

export async function sendPart(fetch: Fetch, upload: Upload, partNumber: number, bytes: Buffer) {
  const part = upload.parts[partNumber - 1]!;
  const slice = bytes.subarray(
    (partNumber - 1) * upload.partSize,
    (partNumber - 1) * upload.partSize + part.size,
  );
  const response = await send(fetch, part.url, { method: 'PUT', body: new Uint8Array(slice) });
  expect(response.status, await response.clone().text()).toBe(200);
}

export async function complete(fetch: Fetch, uploadId: string) {
  return gql<{ completeArtifactUpload: Record<string, unknown> }>(
    fetch,
    `mutation($id: ID!) { completeArtifactUpload(uploadId: $id) { ${ARTIFACT_FIELDS} } }`,
    { id: uploadId },
  );
}

/** What a component does: create the upload, PUT every part, complete. */
export async function uploadArtifact(fetch: Fetch, bytes: Buffer, input: Record<string, unknown>) {
  const created = await createUpload(fetch, { size: bytes.length, sha256: sha256(bytes), ...input });
  expect(created.errors).toBeUndefined();
  const upload = created.data!.createArtifactUpload;
  for (const part of upload.parts) await sendPart(fetch, upload, part.partNumber, bytes);
  const done = await complete(fetch, upload.id);
  expect(done.errors).toBeUndefined();
  return done.data!.completeArtifactUpload as {
    id: string;
    version: number;
    sha256: string;
    downloadUrl: string;
    contentPath: string;
  };
}

export async function download(fetch: Fetch, url: string, headers: Record<string, string> = {}) {
  const response = await send(fetch, url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** The two stores every storage test runs on: the local folder, and MinIO through the S3 API. */
export const storageBackends = [
  { name: 'local store', storage: (_minio?: MinioServer) => ({}) },
  {
    name: 'MinIO (S3)',
    storage: (minio?: MinioServer) => ({
      type: 's3' as const,
      endpoint: minio!.endpoint,
      access_key: minio!.accessKey,
      secret_key: minio!.secretKey,
    }),
  },
];

/** jarvis.yaml for the S3 store on `minio`, on in-memory PGlite, with `extra` storage keys (YAML lines). */
export const s3Yaml = (minio: MinioServer, ...extra: string[]) => `
database: { url: "pglite:memory" }
log: { level: silent }
services:
  storage:
    type: s3
    endpoint: ${minio.endpoint}
    access_key: ${minio.accessKey}
    secret_key: ${minio.secretKey}
${extra.map((line) => `    ${line}`).join('\n')}
`;
