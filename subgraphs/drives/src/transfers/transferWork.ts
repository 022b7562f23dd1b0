import type { Logger } from '@jarvis/context';
import type { ArtifactPort } from '@jarvis/subgraph';
import type { DriveProvider } from '../providers/driveProvider.ts';
import type { DriveRecord, TransferRecord } from '../records.ts';
import type { TransferStore } from '../store/transferStore.ts';
import type { TransferReporter } from './transferReporter.ts';

/** What an import or an export works with: the drive, storage, and where to report. */
export interface TransferWork {
  transfer: TransferRecord;
  drive: DriveRecord;
  provider: DriveProvider;
  artifacts: ArtifactPort;
  store: TransferStore;
  reporter: TransferReporter;
  logger: Logger;
  /** Aborts when the process stops or the transfer is cancelled. */
  signal: AbortSignal;
  /** Called when the reporter learns the transfer was cancelled. */
  cancelled(): Error;
}
