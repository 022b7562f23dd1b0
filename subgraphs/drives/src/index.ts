// The drives subgraph, under construction (issue 20): its providers come first; it joins the
// supergraph when it has a schema.graphql.

export { drivePath } from './providers/drivePath.ts';
export type { DriveEntry, DriveKind, DriveProvider } from './providers/driveProvider.ts';
export { type GoogleDriveOptions, googleDriveProvider } from './providers/googleDriveProvider.ts';
export { localFolderProvider } from './providers/localFolderProvider.ts';
export { type OneDriveOptions, oneDriveProvider } from './providers/oneDriveProvider.ts';
export { type WebdavOptions, webdavProvider } from './providers/webdavProvider.ts';
