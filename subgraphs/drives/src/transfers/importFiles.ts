import { notFound } from '@jarvis/errors';
import type { DriveEntry } from '../providers/driveProvider.ts';
import type { ImportRequest } from '../records.ts';
import { extractText } from '../search/extractText.ts';
import { artifactKindOf } from './artifactKindOf.ts';
import { artifactNameFor } from './artifactNameFor.ts';
import { eachConcurrently } from './eachConcurrently.ts';
import { fileFilter } from './fileFilter.ts';
import { fileDone, stopsTransfer } from './fileOutcomes.ts';
import { meteredStream } from './meteredStream.ts';
import { resumableRead } from './resumableRead.ts';
import type { TransferWork } from './transferWork.ts';

/** Files moving at once in a transfer: the next one's round trips overlap this one's bytes. */
export const FILES_AT_ONCE = 2;
/** Files up to this size whose type has text (PDF, DOCX, text, CSV) are read for search as they pass. */
const MAX_INDEXED_BYTES = 20 * 1024 * 1024;
const INDEXED =
  /^(application\/pdf|text\/|application\/vnd\.openxmlformats-officedocument\.wordprocessingml)/;

/** The files an import's paths name (folders walked), filtered, each once; missing paths fail. */
async function filesToImport(work: TransferWork, request: ImportRequest) {
  const accept = fileFilter(request.types, request.maxSize);
  const files = new Map<string, DriveEntry>();
  const missing: string[] = [];
  for (const path of request.paths) {
    const entry = await work.provider.stat(path);
    if (!entry) missing.push(path);
    else if (!entry.folder) {
      if (accept(entry)) files.set(entry.path, entry);
    } else
      for (const file of await work.provider.list(path, { recursive: true }))
        if (accept(file)) files.set(file.path, file);
  }
  return { files: [...files.values()], missing };
}

/**
 * Brings drive files into storage, each streamed through (resumed after a cut, never held whole)
 * into a new artifact version with where it came from; unchanged files imported before are
 * skipped. A file that fails is recorded and the rest go on.
 */
export async function importFiles(work: TransferWork): Promise<string | null> {
  const request = work.transfer.request as ImportRequest;
  const { files, missing } = await filesToImport(work, request);
  const { progress } = work.reporter;
  progress.filesTotal = files.length + missing.length;
  progress.bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  await work.reporter.save();
  let firstError: string | null = null;
  for (const path of missing) {
    const error = notFound(`${path} is not on drive ${work.drive.name}`, { path });
    firstError ??= `${path}: ${await fileDone(work, { path, size: 0 }, 'FAILED', { error })}`;
  }
  await eachConcurrently(files, FILES_AT_ONCE, async (entry) => {
    if (work.signal.aborted) throw work.signal.reason;
    const file = { path: entry.path, size: entry.size };
    try {
      const skipped = await unchangedArtifact(work, entry, artifactNameFor(request.prefix, entry.path));
      if (skipped) await fileDone(work, file, 'SKIPPED', { artifactId: skipped });
      else
        await fileDone(work, file, 'MOVED', {
          artifactId: await importOne(work, entry, artifactNameFor(request.prefix, entry.path)),
        });
    } catch (error) {
      if (stopsTransfer(error, work)) throw error;
      const message = await fileDone(work, file, 'FAILED', { error });
      firstError ??= `${entry.path}: ${message}`;
    }
  });
  return firstError;
}

/**
 * The artifact an earlier import made of this file under the same name, when the file has not
 * changed since and the artifact is still there.
 */
async function unchangedArtifact(work: TransferWork, entry: DriveEntry, name: string) {
  const prior = await work.store.imported(work.drive.id, entry.path);
  if (!prior || prior.version !== entry.version) return undefined;
  const artifact = await work.artifacts.artifact(work.transfer.principal, prior.artifactId);
  return artifact && !artifact.deletedAt && artifact.name === name ? artifact.id : undefined;
}

/** One drive file into a new version of artifact `name`, streamed, with its text for search; its id. */
export async function importOne(work: TransferWork, entry: DriveEntry, name: string): Promise<string> {
  const { drive, provider, transfer } = work;
  const captured: Buffer[] | undefined =
    entry.size <= MAX_INDEXED_BYTES && (INDEXED.test(entry.mimeType) || /\.(md|csv|txt)$/i.test(entry.name))
      ? []
      : undefined;
  const source = resumableRead((start) => provider.read(entry.path, { start }), entry.size, {
    signal: work.signal,
    onResume: (from, error) =>
      work.logger.info(
        { transferId: transfer.id, path: entry.path, from, reason: (error as Error)?.message },
        'drive read cut; resuming',
      ),
  });
  const body = meteredStream(
    source,
    (count, chunk) => {
      captured?.push(chunk);
      return work.reporter.bytes(count, entry.path);
    },
    work.cancelled,
    work.signal,
  );
  // Closed whatever storage does with it: a refusal (too large) must not leave the drive's stream open.
  const artifact = await work.artifacts
    .storeStream(
      transfer.principal,
      {
        name,
        kind: artifactKindOf(entry.mimeType, entry.name),
        contentType: entry.mimeType,
        metadata: {
          drive: { id: drive.id, name: drive.name, provider: drive.provider },
          path: entry.path,
          providerId: entry.providerId,
          version: entry.version,
          modifiedAt: entry.modifiedAt.toISOString(),
        },
        tags: ['drive-import'],
      },
      body,
    )
    .finally(() => body.destroy());
  const text = captured
    ? await extractText(entry.name, entry.mimeType, Buffer.concat(captured)).catch((error: unknown) => {
        work.logger.info({ path: entry.path, reason: (error as Error).message }, 'no searchable text');
        return '';
      })
    : '';
  await work.store.saveImported(
    {
      driveId: drive.id,
      path: entry.path,
      projectId: transfer.projectId,
      ownerId: transfer.ownerId,
      name: entry.name,
      providerId: entry.providerId,
      version: entry.version,
      modifiedAt: entry.modifiedAt,
      size: artifact.size,
      mimeType: entry.mimeType,
      artifactId: artifact.id,
    },
    text,
  );
  return artifact.id;
}
