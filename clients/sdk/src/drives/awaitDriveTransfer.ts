import {
  DrivesDocument,
  DriveTransferDocument,
  type DriveTransferFieldsFragment,
  type DriveTransferFileFieldsFragment,
  DriveTransferFilesDocument,
  WatchDriveTransferDocument,
  type WatchDriveTransferSubscription,
} from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import { JarvisRequestError, NotFoundError } from '../jarvisErrors.ts';

/** A transfer and every one of its files. */
export type DriveTransfer = DriveTransferFieldsFragment & { files: DriveTransferFileFieldsFragment[] };
export type DriveTransferEvent = WatchDriveTransferSubscription['driveTransferEvents'];

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** A drive of the caller's by id or by name (`"Team Drive"`), or NotFoundError listing theirs. */
export async function resolveDrive(client: JarvisClient, drive: string): Promise<string> {
  const { drives } = await client.request(DrivesDocument, {});
  const found =
    drives.find((d) => d.id === drive) ?? drives.find((d) => d.name.toLowerCase() === drive.toLowerCase());
  if (!found)
    throw new NotFoundError(
      `no drive ${JSON.stringify(drive)} of yours in this project; yours: ${drives.map((d) => d.name).join(', ') || 'none (connect one first)'}`,
      { code: 'NOT_FOUND' },
    );
  return found.id;
}

/**
 * Waits for a transfer to end, telling `onEvent` of its progress as Jarvis streams it; returns
 * it with its files. A dropped subscription is taken up again (its first event says where the
 * transfer stands), so a transfer that ended meanwhile is still seen to end.
 */
export async function awaitDriveTransfer(
  client: JarvisClient,
  id: string,
  options: { onEvent?: (event: DriveTransferEvent) => void; signal?: AbortSignal } = {},
): Promise<DriveTransfer> {
  let wait = 250;
  for (;;) {
    options.signal?.throwIfAborted();
    const events = client.subscribe(WatchDriveTransferDocument, { id });
    const stop = () => void events.return?.();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const { driveTransferEvents: event } of events) {
        wait = 250;
        options.onEvent?.(event);
        if (ENDED.has(event.type) || (event.type === 'SNAPSHOT' && ENDED.has(event.message ?? ''))) {
          const { driveTransfer } = await client.request(DriveTransferDocument, { id });
          if (driveTransfer && ENDED.has(driveTransfer.status))
            return { ...driveTransfer, files: await transferFiles(client, id) };
        }
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!(error instanceof JarvisRequestError) || !error.transient) throw error;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      await events.return?.();
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 5_000);
  }
}

/** Every file of a transfer, page by page. */
async function transferFiles(client: JarvisClient, id: string) {
  const files: DriveTransferFileFieldsFragment[] = [];
  for (;;) {
    const { driveTransfer } = await client.request(DriveTransferFilesDocument, {
      id,
      after: files.at(-1)?.path ?? null,
    });
    const page = driveTransfer?.files ?? [];
    files.push(...page);
    if (page.length < 500) return files;
  }
}
