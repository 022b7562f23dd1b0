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

  /** Bytes of `path` moved; false once the transfer has been cancelled. */
  async bytes(count: number, path: string): Promise<boolean> {
    this.progress.bytesDone += count;
    const now = Date.now();
    if (now - this.announced >= ANNOUNCE_MS) {
      this.announced = now;
      await this.event('PROGRESS', { path });
    }
    if (now - this.saved >= SAVE_MS) return this.save();
    return true;
  }

  /** Saves the counts now; false once the transfer has been cancelled. */
  save(): Promise<boolean> {
    this.saved = Date.now();
    return this.store.progress(this.transfer.id, this.progress);
  }
}
