import { badUserInput, conflict, notFound } from '@jarvis/errors';
import type { DriveEntry } from '../providers/driveProvider.ts';
import { googleExportOf, isGoogleNative } from '../providers/googleDocsExport.ts';
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

/**
 * Files an import moves at once: the next one's round trips overlap this one's bytes. (Exports
 * go one at a time: two uploads at once to the same drive measured slower, bench/driveTransfers.ts.)
 */
const FILES_AT_ONCE = 2;
/** Files up to this size whose type has text (PDF, DOCX, text, CSV) are read for search as they pass. */
const MAX_INDEXED_BYTES = 20 * 1024 * 1024;
const INDEXED =
  /^(application\/pdf|text\/|application\/vnd\.openxmlformats-officedocument\.wordprocessingml)/;

/** The files an import's paths name (folders walked), filtered, each once; missing paths fail. */
async function filesToImport(work: TransferWork, request: ImportRequest) {
  const filter = fileFilter(request.types, request.maxSize);
  // A Google document is filtered as what it comes in as (a PDF, a DOCX), not its native type.
  const accept = (entry: DriveEntry) => filter(asImported(entry, request).entry);
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
  // Names made storage-safe can meet ("a b.mp4" and "a_b.mp4"): the first keeps the name, the
  // others fail saying so, rather than becoming versions of a file they are not.
  const claimed = new Map<string, string>();
  await eachConcurrently(files, FILES_AT_ONCE, async (entry) => {
    if (work.signal.aborted) throw work.signal.reason;
    const file = { path: entry.path, size: entry.size };
    try {
      const name = importedName(request, entry);
      const taken = claimed.get(name);
      if (taken)
        throw conflict(
          `${entry.path} and ${taken} would both be imported as ${name}; rename one, or import them apart`,
          {
            path: entry.path,
          },
        );
      claimed.set(name, entry.path);
      const skipped = await unchangedArtifact(work, entry, name);
      if (skipped) await fileDone(work, file, 'SKIPPED', { artifactId: skipped });
      else
        await fileDone(work, file, 'MOVED', {
          artifactId: await importOne(work, entry, name, request.googleDocsAs),
        });
    } catch (error) {
      if (stopsTransfer(error, work)) throw error;
      const message = await fileDone(work, file, 'FAILED', { error });
      firstError ??= `${entry.path}: ${message}`;
    }
  });
  return firstError;
}

/** The artifact name a drive file is imported as (a Google document's with its export's extension). */
const importedName = (request: ImportRequest, entry: DriveEntry) => {
  const { extension } = asImported(entry, request);
  return artifactNameFor(request.prefix, extension ? `${entry.path}.${extension}` : entry.path);
};

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

/**
 * A drive entry as it is imported: itself, or for a Google document (no file of its own) the
 * export it comes in as, with that type and the extension added to its name.
 */
function asImported(entry: DriveEntry, request: Pick<ImportRequest, 'googleDocsAs'>) {
  if (!isGoogleNative(entry.mimeType)) return { entry, as: undefined, extension: undefined };
  const target = googleExportOf(entry.mimeType, request.googleDocsAs ?? 'OFFICE');
  if (!target)
    return { entry: { ...entry, mimeType: 'application/octet-stream' }, as: undefined, extension: undefined };
  return {
    entry: { ...entry, name: `${entry.name}.${target.extension}`, mimeType: target.mimeType },
    as: target.mimeType,
    extension: target.extension,
  };
}

/** One drive file into a new version of artifact `name`, streamed, with its text for search; its id. */
export async function importOne(
  work: TransferWork,
  driveEntry: DriveEntry,
  name: string,
  googleDocsAs: ImportRequest['googleDocsAs'] = 'OFFICE',
): Promise<string> {
  const { entry, as } = asImported(driveEntry, { googleDocsAs });
  if (isGoogleNative(driveEntry.mimeType) && !as)
    throw badUserInput(
      `${driveEntry.path} is a Google document of a kind Drive cannot export (${driveEntry.mimeType})`,
      {
        path: driveEntry.path,
      },
    );
  const { drive, provider, transfer } = work;
  const captured: Buffer[] | undefined =
    entry.size <= MAX_INDEXED_BYTES && (INDEXED.test(entry.mimeType) || /\.(md|csv|txt)$/i.test(entry.name))
      ? []
      : undefined;
  const source = resumableRead(
    (start) => provider.read(entry.path, { start, ...(as ? { as } : {}) }),
    entry.size,
    {
      signal: work.signal,
      onResume: (from, error) =>
        work.logger.info(
          { transferId: transfer.id, path: entry.path, from, reason: (error as Error)?.message },
          'drive read cut; resuming',
        ),
    },
  );
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
