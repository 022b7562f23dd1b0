import { ErrorCode, JarvisError } from '@jarvis/errors';
import type { TransferOutcome } from '../records.ts';
import type { TransferWork } from './transferWork.ts';

const EVENT = {
  MOVED: 'FILE_MOVED',
  SKIPPED: 'FILE_SKIPPED',
  FAILED: 'FILE_FAILED',
  DELETED: 'FILE_DELETED',
  CONFLICT: 'FILE_CONFLICT',
} as const;

/** Errors after which no other file can move either: the whole transfer stops. */
export const stopsTransfer = (error: unknown, work: TransferWork) =>
  work.signal.aborted || (error instanceof JarvisError && error.code === ErrorCode.UNAUTHENTICATED);

/**
 * Ends one file of a transfer: its row in the history, its counts (a file counts its whole size
 * as done, whatever happened, so progress never goes back), its event.
 */
export async function fileDone(
  work: TransferWork,
  file: { path: string; size: number },
  outcome: TransferOutcome,
  detail: { artifactId?: string | null; error?: unknown; direction?: 'IMPORT' | 'EXPORT' } = {},
) {
  const { progress } = work.reporter;
  let code: string | null = null;
  let message: string | null = null;
  if (outcome === 'FAILED') {
    const error = detail.error;
    if (error instanceof JarvisError) {
      code = error.code;
      message = error.message;
    } else {
      // Not the user's doing: storage or the network failed under us. Logged with its stack.
      work.logger.warn(
        { err: error, transferId: work.transfer.id, path: file.path },
        'drive transfer file failed',
      );
      code = ErrorCode.BACKEND_UNAVAILABLE;
      message = `${(error as Error)?.message ?? String(error)}; run the transfer again`;
    }
    progress.filesFailed += 1;
  } else {
    progress.filesDone += 1;
    if (outcome === 'SKIPPED') progress.filesSkipped += 1;
  }
  work.reporter.settle(file.path, file.size);
  await work.store.recordFile({
    transferId: work.transfer.id,
    path: file.path,
    outcome,
    direction: detail.direction ?? null,
    size: file.size,
    artifactId: detail.artifactId ?? null,
    errorCode: code,
    error: message,
  });
  await work.reporter.event(EVENT[outcome], { path: file.path, ...(message ? { message } : {}) });
  return message;
}
