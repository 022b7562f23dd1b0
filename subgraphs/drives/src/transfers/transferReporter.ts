import type { PubSub } from '@jarvis/pubsub';
import type { TransferRecord } from '../records.ts';
import type { TransferProgress, TransferStore } from '../store/transferStore.ts';
import { transferTopic } from '../subscriptions.ts';

export type TransferEventType =
  | 'STARTED'
  | 'PROGRESS'
  | 'FILE_MOVED'
  | 'FILE_SKIPPED'
  | 'FILE_FAILED'
  | 'FILE_DELETED'
  | 'FILE_CONFLICT'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED';

/** How often bytes are announced, and saved (which is also when a cancel is noticed). */
const ANNOUNCE_MS = 250;
const SAVE_MS = 1_000;

/**
 * A running transfer's counts, announced on its topic (bytes a few times a second, files as they
 * end) and saved, so a subscriber and a `driveTransfer` query see the same progress. Saving also
 * tells whether the transfer was cancelled meanwhile.
 */
export class TransferReporter {
  readonly progress: TransferProgress;
  private announced = 0;
  /** Bytes counted per file still moving, so a file's end settles its share exactly once. */
  private readonly moving = new Map<string, number>();
  private saved = Date.now();
  private readonly transfer: TransferRecord;
  private readonly pubsub: PubSub;
  private readonly store: TransferStore;

  constructor(transfer: TransferRecord, deps: { pubsub: PubSub; store: TransferStore }) {
    this.transfer = transfer;
    this.pubsub = deps.pubsub;
    this.store = deps.store;
    // A rerun (after a restart) counts afresh: files already moved are skipped quickly.
    this.progress = {
      filesTotal: 0,
      filesDone: 0,
      filesSkipped: 0,
      filesFailed: 0,
      bytesTotal: 0,
      bytesDone: 0,
    };
  }

  async event(type: TransferEventType, extra: { path?: string; message?: string } = {}) {
    await this.pubsub.publish(transferTopic(this.transfer.id), {
      type,
      transfer: { id: this.transfer.id },
      path: extra.path ?? null,
      message: extra.message ?? null,
      ...this.progress,
      at: new Date(),
    });
  }

  /**
   * Bytes of `path` moved; false once the transfer has been cancelled. Answers at once between
   * announcements, so the bytes are not held up chunk by chunk.
   */
  bytes(count: number, path: string): boolean | Promise<boolean> {
    this.progress.bytesDone += count;
    this.moving.set(path, (this.moving.get(path) ?? 0) + count);
    const now = Date.now();
    const announce = now - this.announced >= ANNOUNCE_MS;
    const save = now - this.saved >= SAVE_MS;
    if (!announce && !save) return true;
    return (async () => {
      if (announce) {
        this.announced = now;
        await this.event('PROGRESS', { path });
      }
      return save ? this.save() : true;
    })();
  }

  /** A file ended (moved, skipped or failed): its whole size counts as done, once. */
  settle(path: string, size: number) {
    this.progress.bytesDone += Math.max(0, size - (this.moving.get(path) ?? 0));
    this.moving.delete(path);
  }

  /** Saves the counts now; false once the transfer has been cancelled. */
  save(): Promise<boolean> {
    this.saved = Date.now();
    return this.store.progress(this.transfer.id, this.progress);
  }
}
