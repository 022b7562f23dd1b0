import { readFile } from 'node:fs/promises';
import {
  AbortArtifactUploadDocument,
  type ArtifactFieldsFragment,
  type ArtifactKind,
  CompleteArtifactUploadDocument,
  CreateArtifactUploadDocument,
  type CreateArtifactUploadMutation,
  type CreateArtifactUploadMutationVariables,
  StoreSmallArtifactDocument,
} from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import { BadUserInputError } from '../jarvisErrors.ts';
import { retryTransient } from '../retryTransient.ts';
import { fileDigest } from './fileDigest.ts';
import { putFileRange } from './putFileRange.ts';
import type { OnProgress } from './transferProgress.ts';

/** Below this, one `storeSmallArtifact` call beats the three of a multipart upload. */
const INLINE_MAX = 256 * 1024;
/** Parts sent at the same time. */
const PARALLEL_PARTS = 4;

export interface UploadInput {
  name: string;
  kind: ArtifactKind;
  contentType?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  component?: string;
  runId?: string;
  workflowRunId?: string;
  derivedFrom?: string[];
  /** Multipart part size (5 MiB to 5 GiB); Jarvis picks one from the size otherwise. */
  partSize?: number;
  /**
   * Names the upload so that an interrupted one resumes: the same key (by default one made of
   * the name, size and sha256) finds the parts Jarvis already has, and only the rest is sent.
   */
  idempotencyKey?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

type Upload = CreateArtifactUploadMutation['createArtifactUpload'];

/**
 * Stores a file as the next version of an artifact: its sha256 first (Jarvis checks it before
 * the version becomes visible), then the parts Jarvis does not have yet, several at a time,
 * each retried on a network error, then completion. An upload cut off (network, crash, abort)
 * leaves no artifact; calling again with the same file resumes it.
 */
export async function uploadArtifact(
  client: JarvisClient,
  path: string,
  input: UploadInput,
): Promise<ArtifactFieldsFragment> {
  const { onProgress, signal, ...fields } = input;
  const digest = await fileDigest(path);
  const request = {
    name: fields.name,
    kind: fields.kind,
    size: digest.size,
    sha256: digest.sha256,
    contentType: fields.contentType,
    metadata: fields.metadata,
    tags: fields.tags,
    component: fields.component,
    runId: fields.runId,
    workflowRunId: fields.workflowRunId,
    derivedFrom: fields.derivedFrom,
    partSize: fields.partSize,
    idempotencyKey: fields.idempotencyKey ?? `sdk-upload:${fields.name}:${digest.size}:${digest.sha256}`,
  };
  onProgress?.({ bytes: 0, total: digest.size, resumed: 0, parts: 0, partsDone: 0 });

  if (digest.size <= INLINE_MAX) {
    const contentBase64 = (await readFile(path)).toString('base64');
    const { storeSmallArtifact } = await retryTransient(
      () => client.request(StoreSmallArtifactDocument, { input: request, contentBase64 }),
      { signal },
    );
    onProgress?.({ bytes: digest.size, total: digest.size, resumed: 0, parts: 1, partsDone: 1 });
    return storeSmallArtifact;
  }

  let upload = await createUpload(client, request, signal);
  if (upload.artifact) {
    onProgress?.({
      bytes: digest.size,
      total: digest.size,
      resumed: digest.size,
      parts: upload.parts.length,
      partsDone: upload.parts.length,
    });
    return upload.artifact;
  }
  if (upload.status !== 'PENDING') {
    // An earlier try under this key was aborted or expired: start a fresh upload.
    upload = await createUpload(
      client,
      { ...request, idempotencyKey: `${request.idempotencyKey}:${Date.now()}` },
      signal,
    );
  }

  const resumed = upload.receivedParts.reduce((sum, part) => sum + part.size, 0);
  let done = resumed;
  let partsDone = upload.receivedParts.length;
  const parts = upload.parts.length;
  const report = (bytes: number, partDone = false) => {
    done += bytes;
    if (partDone) partsDone++;
    onProgress?.({ bytes: done, total: digest.size, resumed, parts, partsDone });
  };
  if (resumed) report(0);
  await sendParts(
    client,
    upload,
    path,
    new Set(upload.receivedParts.map((p) => p.partNumber)),
    report,
    signal,
  );

  try {
    const { completeArtifactUpload } = await retryTransient(
      () => client.request(CompleteArtifactUploadDocument, { uploadId: upload.id }),
      { signal },
    );
    return completeArtifactUpload;
  } catch (error) {
    // A part lost on the way (a proxy that answered 200 and dropped it): send it again, once.
    const missing =
      error instanceof BadUserInputError
        ? (error.extensions.missingParts as number[] | undefined)
        : undefined;
    if (!missing?.length) throw error;
    const have = new Set(upload.parts.map((p) => p.partNumber).filter((n) => !missing.includes(n)));
    await sendParts(client, upload, path, have, report, signal);
    const { completeArtifactUpload } = await client.request(CompleteArtifactUploadDocument, {
      uploadId: upload.id,
    });
    return completeArtifactUpload;
  }
}

/** Abandons an upload Jarvis holds parts of (they are deleted). */
export async function abortUpload(client: JarvisClient, uploadId: string): Promise<boolean> {
  const { abortArtifactUpload } = await client.request(AbortArtifactUploadDocument, { uploadId });
  return abortArtifactUpload;
}

async function createUpload(
  client: JarvisClient,
  input: CreateArtifactUploadMutationVariables['input'],
  signal?: AbortSignal,
): Promise<Upload> {
  const { createArtifactUpload } = await retryTransient(
    () => client.request(CreateArtifactUploadDocument, { input }),
    { signal },
  );
  return createArtifactUpload;
}

async function sendParts(
  client: JarvisClient,
  upload: Upload,
  path: string,
  have: Set<number>,
  report: (bytes: number, partDone?: boolean) => void,
  signal?: AbortSignal,
): Promise<void> {
  const queue = upload.parts.filter((part) => !have.has(part.partNumber));
  const headers = upload.presigned ? {} : client.headers();
  const sendOne = async (part: Upload['parts'][number]) => {
    const start = (part.partNumber - 1) * upload.partSize;
    let sent = 0;
    await retryTransient(
      async () => {
        // A retried part starts over: take back what the failed try reported.
        report(-sent);
        sent = 0;
        await putFileRange(
          new URL(part.url, client.url),
          headers,
          { path, start, length: part.size },
          (bytes) => {
            sent += bytes;
            report(bytes);
          },
          signal,
        );
      },
      { attempts: 5, signal },
    );
    report(0, true);
  };
  const lanes = Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, async () => {
    for (let part = queue.shift(); part; part = queue.shift()) await sendOne(part);
  });
  await Promise.all(lanes);
}
