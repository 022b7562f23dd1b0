import type { DriveTransfer } from './awaitDriveTransfer.ts';

/** An import or export that did not move every file: `transfer.files` says which and why. */
export class DriveTransferError extends Error {
  readonly transfer: DriveTransfer;
  constructor(transfer: DriveTransfer) {
    super(
      transfer.status === 'CANCELLED'
        ? `drive transfer ${transfer.id} was cancelled`
        : `drive transfer ${transfer.id} failed: ${transfer.error ?? 'see its files'}`,
    );
    this.name = 'DriveTransferError';
    this.transfer = transfer;
  }
}
