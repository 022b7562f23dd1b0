import { notFound } from '@jarvis/errors';
import { joinPath } from '../providers/drivePath.ts';
import type { ExportRequest } from '../records.ts';
import { eachConcurrently } from './eachConcurrently.ts';
import { exportFileName } from './exportFileName.ts';
import { fileDone, stopsTransfer } from './fileOutcomes.ts';
import { meteredStream } from './meteredStream.ts';
import type { TransferWork } from './transferWork.ts';

/**
 * Writes artifacts into a drive folder, each whole or not at all (the providers write to a
 * temporary name or an upload session and commit at the end). A file that fails is recorded
 * and the rest go on.
 */
export async function exportFiles(work: TransferWork): Promise<string | null> {
  const request = work.transfer.request as ExportRequest;
  const { provider, transfer } = work;
  if (request.folder) {
    if (request.createFolder) await provider.mkdir(request.folder);
    else if (!(await provider.stat(request.folder))?.folder)
      throw notFound(
        `there is no folder ${request.folder} on drive ${work.drive.name}; export with createFolder`,
        {
          argument: 'folder',
        },
      );
  }
  const artifacts = await Promise.all(
    request.artifactIds.map(async (id) => ({
      id,
      artifact: await work.artifacts.artifact(transfer.principal, id),
    })),
  );
  const { progress } = work.reporter;
  progress.filesTotal = artifacts.length;
  progress.bytesTotal = artifacts.reduce((sum, a) => sum + (a.artifact?.size ?? 0), 0);
  await work.reporter.save();
  let firstError: string | null = null;
  await eachConcurrently(artifacts, 1, async ({ id, artifact }) => {
    if (work.signal.aborted) throw work.signal.reason;
    const path = artifact ? joinPath(request.folder, exportFileName(artifact.name)) : id;
    const file = { path, size: artifact?.size ?? 0 };
    try {
      await exportOne(work, id, path);
      await fileDone(work, file, 'MOVED', { artifactId: id });
    } catch (error) {
      if (stopsTransfer(error, work)) throw error;
      const message = await fileDone(work, file, 'FAILED', { error, artifactId: artifact ? id : null });
      firstError ??= `${path}: ${message}`;
    }
  });
  return firstError;
}

/** One artifact's bytes written whole to `path` on the drive; what the drive now holds there. */
export async function exportOne(work: TransferWork, artifactId: string, path: string) {
  const content = await work.artifacts.openContent(work.transfer.principal, artifactId);
  if (!content) throw notFound(`artifact ${artifactId} is gone (deleted since the transfer was asked for)`);
  const body = meteredStream(
    content.body,
    (count) => work.reporter.bytes(count, path),
    work.cancelled,
    work.signal,
  );
  return work.provider.write(path, body, content.artifact.size, {
    mimeType: content.artifact.contentType ?? 'application/octet-stream',
  });
}
