import type { DriveEntry } from './providers/driveProvider.ts';
import type { DriveRecord } from './records.ts';

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type DriveMapper = DriveRecord;
export type DriveFileMapper = DriveEntry;
