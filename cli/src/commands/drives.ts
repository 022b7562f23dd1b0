import {
  awaitDriveTransfer,
  ConnectLocalDriveDocument,
  ConnectWebdavDriveDocument,
  CreateSharedFolderDocument,
  createJarvisClient,
  DrivesDocument,
  DriveTransferError,
  driveTransferBar,
  ExportToDriveDocument,
  ImportFromDriveDocument,
  JarvisRequestError,
  optionsFromEnv,
  resolveDrive,
} from '@jarvis/sdk';

/**
 * `jarvis drives …`: a running Jarvis's drives, as its API serves them (JARVIS_URL, default
 * http://127.0.0.1:4000, and JARVIS_API_KEY), with a progress bar for imports and exports.
 */
const client = () => createJarvisClient(optionsFromEnv());

/** Prints what went wrong in the user's words and exits 1 (2 for bad input). */
async function reporting(work: () => Promise<void>) {
  try {
    await work();
  } catch (error) {
    if (error instanceof DriveTransferError) {
      for (const file of error.transfer.files.filter((f) => f.outcome === 'FAILED'))
        console.error(`  ${file.path}: ${file.errorCode} ${file.error ?? ''}`);
      console.error(error.message);
      process.exit(1);
    }
    if (error instanceof JarvisRequestError) {
      console.error(`${error.code}: ${error.message}`);
      process.exit(error.code === 'BAD_USER_INPUT' || error.code === 'NOT_FOUND' ? 2 : 1);
    }
    throw error;
  }
}

export const drivesList = () =>
  reporting(async () => {
    const { drives } = await client().request(DrivesDocument, {});
    if (!drives.length)
      console.log('no drives yet: jarvis drives connect-local <name> <folder> (or connect one in GraphiQL)');
    for (const d of drives) console.log(`${d.id}  ${d.name}  ${d.provider}  ${d.status}`);
  });

export const drivesConnectLocal = (name: string, folder: string) =>
  reporting(async () => {
    const { connectLocalDrive: d } = await client().request(ConnectLocalDriveDocument, {
      name,
      path: folder,
    });
    console.log(`connected ${d.name} (${d.provider}) at ${d.location}: ${d.id}`);
  });

export const drivesConnectWebdav = (name: string, url: string, options: { username: string }) =>
  reporting(async () => {
    const password = process.env.JARVIS_WEBDAV_PASSWORD;
    if (!password) {
      console.error('set JARVIS_WEBDAV_PASSWORD to the password (an app password where the server has them)');
      process.exit(2);
    }
    const { connectWebdavDrive: d } = await client().request(ConnectWebdavDriveDocument, {
      name,
      url,
      username: options.username,
      password,
    });
    console.log(`connected ${d.name} (${d.provider}) at ${d.location}: ${d.id}`);
  });

export const drivesImport = (drive: string, paths: string[], options: { types?: string; prefix?: string }) =>
  reporting(async () => {
    const jarvis = client();
    const driveId = await resolveDrive(jarvis, drive);
    const types = options.types
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const { importFromDrive } = await jarvis.request(ImportFromDriveDocument, {
      driveId,
      paths,
      filter: types?.length ? { types } : null,
      prefix: options.prefix,
    });
    const transfer = await awaitDriveTransfer(jarvis, importFromDrive.id, {
      onEvent: driveTransferBar('import'.padEnd(12)),
    });
    if (transfer.status !== 'SUCCEEDED') throw new DriveTransferError(transfer);
    for (const f of transfer.files)
      console.log(
        `${f.outcome === 'SKIPPED' ? 'unchanged' : 'imported'}  ${f.path}  →  ${f.artifact?.name} v${f.artifact?.version}`,
      );
  });

export const drivesExport = (
  drive: string,
  folder: string,
  artifacts: string[],
  options: { shareLink?: boolean; shareWith?: string },
) =>
  reporting(async () => {
    const jarvis = client();
    const driveId = await resolveDrive(jarvis, drive);
    const { exportToDrive } = await jarvis.request(ExportToDriveDocument, {
      driveId,
      artifactIds: artifacts,
      folder,
    });
    const transfer = await awaitDriveTransfer(jarvis, exportToDrive.id, {
      onEvent: driveTransferBar('export'.padEnd(12)),
    });
    if (transfer.status !== 'SUCCEEDED') throw new DriveTransferError(transfer);
    for (const f of transfer.files)
      console.log(`exported  ${f.artifact?.name} v${f.artifact?.version}  →  ${f.path}`);
    const shareWith =
      options.shareWith
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    if (!options.shareLink && !shareWith.length) return;
    const { createSharedFolder } = await jarvis.request(CreateSharedFolderDocument, {
      driveId,
      name: folder,
      shareWith,
      anyoneWithLink: options.shareLink ?? false,
    });
    console.log(`shared: ${createSharedFolder.url}`);
  });
