import type { DriveEntry } from './providers/driveProvider.ts';
import type {
  DriveRecord,
  ImportedFileRecord,
  SearchHitRecord,
  SyncJobRecord,
  TransferFileRecord,
  TransferRecord,
} from './records.ts';

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type DriveMapper = DriveRecord;
export type DriveFileMapper = DriveEntry;
export type DriveTransferMapper = TransferRecord;
export type DriveTransferFileMapper = TransferFileRecord;
export type DriveFileSourceMapper = ImportedFileRecord;
export type DriveSearchHitMapper = SearchHitRecord;
export type SyncJobMapper = SyncJobRecord;
/** As published on a transfer's topic (transferReporter.ts); the router fetches `transfer` itself. */
export interface DriveTransferEventMapper {
  type: string;
  transfer: { id: string };
  path: string | null;
  message: string | null;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  at: Date | string;
}
export interface ArtifactMapper {
  id: string;
}
