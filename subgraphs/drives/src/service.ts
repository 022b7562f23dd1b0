import { randomBytes, randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { decide } from '@jarvis/auth';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, conflict, ErrorCode, JarvisError, notFound } from '@jarvis/errors';
import { type ArtifactPort, createOnce } from '@jarvis/subgraph';
import { consentUrl, exchangeCode, type OAuthTokens, refreshTokens } from './oauth/oauthClient.ts';
import type { OAuthProviderName } from './oauth/oauthProviders.ts';
import { pkce } from './oauth/pkce.ts';
import { tokenKeeper } from './oauth/tokenKeeper.ts';
import type { ConfiguredOAuth } from './oauthApps.ts';
import { drivePath } from './providers/drivePath.ts';
import type { DriveEntry, DriveProvider } from './providers/driveProvider.ts';
import type { GoogleDocsFormat } from './providers/googleDocsExport.ts';
import { googleDriveProvider } from './providers/googleDriveProvider.ts';
import { localFolderProvider } from './providers/localFolderProvider.ts';
import { oneDriveProvider } from './providers/oneDriveProvider.ts';
import { webdavProvider } from './providers/webdavProvider.ts';
import type {
  DriveRecord,
  ExportRequest,
  ImportRequest,
  SearchHitRecord,
  SyncDirection,
  SyncRequest,
  TransferDirection,
} from './records.ts';
import type { SecretBox } from './secrets/secretBox.ts';
import type { DriveStore } from './store/driveStore.ts';
import type { SyncJobStore } from './store/syncJobStore.ts';
import type { TransferStore } from './store/transferStore.ts';
import { checkPrefix, defaultPrefix } from './transfers/artifactNameFor.ts';
import { exportFileName } from './transfers/exportFileName.ts';
import { fileFilter } from './transfers/fileFilter.ts';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a consent link works. */
const CONSENT_MS = 10 * 60_000;
const LABEL: Record<OAuthProviderName, string> = { GOOGLE_DRIVE: 'Google Drive', ONEDRIVE: 'OneDrive' };

/** Addresses one share may name. */
const MAX_SHARES = 50;
const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;
/** Paths or artifacts one transfer may name. */
const MAX_TRANSFER_ITEMS = 1000;

const nameTaken = (name: string) =>
  conflict(`you have a drive named ${JSON.stringify(name)} in this project; pick another name`);

function checkName(name: string) {
  if (!name.trim() || name.length > 100 || [...name].some((c) => c.charCodeAt(0) < 32))
    throw badUserInput('a drive name is 1 to 100 characters, without control characters', {
      argument: 'name',
    });
  return name.trim();
}

function checkItems(items: readonly string[], argument: string) {
  if (!items.length || items.length > MAX_TRANSFER_ITEMS)
    throw badUserInput(`${argument} names 1 to ${MAX_TRANSFER_ITEMS} items; got ${items.length}`, {
      argument,
    });
  return items;
}

const clampFirst = (first: number | null | undefined, fallback: number, max = 500) => {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw badUserInput(`first is 0 to ${max}`, { argument: 'first' });
  return n;
};

/** Drives: connecting them (credentials checked, then sealed), listing them and their files. */
export class DrivesService {
  private readonly store: DriveStore;
  private readonly transfers: TransferStore;
  private readonly syncJobs: SyncJobStore;
  private readonly artifacts: () => ArtifactPort | undefined;
  private readonly wake: () => Promise<void>;
  private readonly secrets: SecretBox;
  private readonly localRoots: string[];
  private readonly logger: Logger;
  private readonly oauth: (provider: OAuthProviderName) => ConfiguredOAuth;

  constructor(options: {
    store: DriveStore;
    transfers: TransferStore;
    syncJobs: SyncJobStore;
    /** Storage's service in this process, through which imports and exports go. */
    artifacts: () => ArtifactPort | undefined;
    /** Tells the transfer runner that a transfer is queued. */
    wake?: () => Promise<void>;
    secrets: SecretBox;
    localRoots: string[];
    oauth: (provider: OAuthProviderName) => ConfiguredOAuth;
    logger: Logger;
  }) {
    this.store = options.store;
    this.transfers = options.transfers;
    this.syncJobs = options.syncJobs;
    this.artifacts = options.artifacts;
    this.wake = options.wake ?? (async () => {});
    this.secrets = options.secrets;
    this.localRoots = options.localRoots.map((root) => path.resolve(root));
    this.oauth = options.oauth;
    this.logger = options.logger;
  }

  /** Starts a Google Drive or OneDrive consent: the URL to send the user to, good once, for ten minutes. */
  async connectDrive(principal: Principal, provider: string, name: string) {
    const checked = checkName(name);
    if (provider !== 'GOOGLE_DRIVE' && provider !== 'ONEDRIVE')
      throw badUserInput(
        `connect ${provider} drives with connect${provider === 'WEBDAV' ? 'Webdav' : 'Local'}Drive`,
        {
          argument: 'provider',
        },
      );
    const configured = this.oauth(provider);
    if (
      (await this.store.list(principal.projectId, principal.userId)).some(
        (d) => d.name.toLowerCase() === checked.toLowerCase(),
      )
    )
      throw nameTaken(checked);
    const { verifier, challenge } = pkce();
    const state = randomBytes(32).toString('base64url');
    await this.store.insertConsent({
      state,
      projectId: principal.projectId,
      ownerId: principal.userId,
      name: checked,
      provider,
      verifier,
    });
    return {
      consentUrl: consentUrl(configured.provider, configured.app, state, challenge),
      expiresAt: new Date(Date.now() + CONSENT_MS),
    };
  }

  /** The browser's return from consent: the drive connected, or why not (for the page it sees). */
  async finishConsent(query: URLSearchParams): Promise<{ ok: boolean; message: string }> {
    const state = query.get('state');
    const consent = state ? await this.store.takeConsent(state) : undefined;
    if (!consent || consent.createdAt.getTime() < Date.now() - CONSENT_MS)
      return {
        ok: false,
        message: 'This sign-in link has expired or was already used; start connecting the drive again.',
      };
    if (query.get('error') || !query.get('code'))
      return {
        ok: false,
        message: `The sign-in was not completed (${query.get('error_description') ?? query.get('error') ?? 'no code'}); nothing was connected.`,
      };
    const provider = consent.provider as OAuthProviderName;
    const configured = this.oauth(provider);
    try {
      const tokens = await exchangeCode(
        configured.provider,
        configured.app,
        query.get('code')!,
        consent.verifier,
      );
      // Trying the drive may already refresh the tokens (Microsoft rotates refresh tokens): keep the newest.
      let latest: OAuthTokens = tokens;
      await this.oauthProvider(provider, consent.name, tokens, async (next) => {
        latest = next;
      }).check();
      const id = randomUUID();
      await this.insert({
        id,
        projectId: consent.projectId,
        ownerId: consent.ownerId,
        name: consent.name,
        provider,
        status: 'CONNECTED',
        location: LABEL[provider],
        settings: {},
        secret: this.secrets.seal(JSON.stringify(latest), id),
      });
      return { ok: true, message: `${consent.name} (${LABEL[provider]}) is connected.` };
    } catch (error) {
      if (!(error instanceof JarvisError)) throw error;
      return { ok: false, message: `${error.message}` };
    }
  }

  drives(principal: Principal) {
    return this.store.list(principal.projectId, principal.userId);
  }

  async drive(principal: Principal, id: string) {
    return ID.test(id) ? this.store.get(principal.projectId, principal.userId, id) : undefined;
  }

  async connectWebdav(
    principal: Principal,
    input: { name: string; url: string; username: string; password: string },
  ) {
    const name = checkName(input.name);
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw badUserInput(`${JSON.stringify(input.url.slice(0, 200))} is not a URL`, { argument: 'url' });
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password)
      throw badUserInput('a WebDAV URL is http(s)://host/path, with the credentials given apart', {
        argument: 'url',
      });
    const options = { url: url.href, username: input.username, password: input.password };
    await this.tryDrive(webdavProvider(options), 'url');
    const id = randomUUID();
    return this.insert({
      id,
      projectId: principal.projectId,
      ownerId: principal.userId,
      name,
      provider: 'WEBDAV',
      status: 'CONNECTED',
      location: url.href,
      settings: { username: input.username },
      secret: this.secrets.seal(input.password, id),
    });
  }

  async connectLocal(principal: Principal, input: { name: string; path: string }) {
    const name = checkName(input.name);
    if (!path.isAbsolute(input.path) || input.path.includes('\u0000'))
      throw badUserInput('path must be an absolute folder path', { argument: 'path' });
    const real = await realpath(input.path).catch(() => undefined);
    if (!real || !(await stat(real)).isDirectory())
      throw badUserInput(`${input.path} is not a folder Jarvis can read`, { argument: 'path' });
    const roots = await Promise.all(this.localRoots.map((r) => realpath(r).catch(() => r)));
    if (!roots.some((root) => real === root || real.startsWith(root + path.sep)))
      throw new JarvisError(
        ErrorCode.FORBIDDEN,
        roots.length
          ? `${input.path} is not under a folder drives may be connected from (${roots.join(', ')}); an operator adds one to services.drives.local_roots`
          : 'no local folder may be connected: an operator lists the allowed folders in services.drives.local_roots',
        { argument: 'path' },
      );
    return this.insert({
      id: randomUUID(),
      projectId: principal.projectId,
      ownerId: principal.userId,
      name,
      provider: 'LOCAL',
      status: 'CONNECTED',
      location: real,
      settings: { root: real },
      secret: null,
    });
  }

  async disconnect(principal: Principal, id: string) {
    return ID.test(id) ? this.store.remove(principal.projectId, principal.userId, id) : false;
  }

  /** What a folder of the drive holds, asked of the drive now. */
  files(drive: DriveRecord, folder: string, recursive: boolean): Promise<DriveEntry[]> {
    return this.onDrive(drive, (provider) => provider.list(drivePath(folder, 'folder'), { recursive }));
  }

  /**
   * Creates a folder (or takes the one there) and shares it with addresses, by link, or both;
   * answers its link. Google Drive and OneDrive only: the others have no sharing API.
   */
  async createSharedFolder(
    principal: Principal,
    input: {
      driveId: string;
      name: string;
      shareWith?: readonly string[] | null;
      anyoneWithLink?: boolean | null;
    },
  ) {
    const drive = await this.usableDrive(principal, input.driveId);
    const folder = drivePath(input.name, 'name');
    if (!folder) throw badUserInput('name is the folder to share, not the drive root', { argument: 'name' });
    const emails = [...new Set((input.shareWith ?? []).map((e) => e.trim().toLowerCase()))];
    if (emails.length > MAX_SHARES || emails.some((e) => !EMAIL.test(e)))
      throw badUserInput(`shareWith is up to ${MAX_SHARES} e-mail addresses`, { argument: 'shareWith' });
    const anyoneWithLink = input.anyoneWithLink ?? false;
    if (!emails.length && !anyoneWithLink)
      throw badUserInput('say whom to share with: shareWith, anyoneWithLink, or both', {
        argument: 'shareWith',
      });
    return this.onDrive(drive, async (provider) => {
      if (!provider.share)
        throw badUserInput(
          `${drive.provider === 'WEBDAV' ? 'WebDAV has no common sharing API; share the folder from your server (Nextcloud, ownCloud) and paste its link' : 'a local folder cannot be shared by Jarvis'}; createSharedFolder works on Google Drive and OneDrive`,
          { argument: 'driveId', reason: 'DRIVE_CANNOT_SHARE' },
        );
      const entry = await provider.mkdir(folder);
      const { url } = await provider.share(folder, { emails, anyoneWithLink });
      this.logger.info({ driveId: drive.id, shares: emails.length, anyoneWithLink }, 'drive folder shared');
      return { url, folder: entry, sharedWith: emails, anyoneWithLink };
    });
  }

  /** Work on a drive's provider; credentials it refuses mark the drive NEEDS_RECONNECT. */
  private async onDrive<T>(drive: DriveRecord, work: (provider: DriveProvider) => Promise<T>): Promise<T> {
    try {
      return await work(this.provider(drive));
    } catch (error) {
      await this.noteReconnect(drive, error);
      throw error;
    }
  }

  /**
   * Queues an import: checked now (the drive, the paths, the filter, the prefix), run by the
   * transfer job. The same idempotencyKey and request give back the same transfer.
   */
  async importFromDrive(
    principal: Principal,
    input: {
      driveId: string;
      paths: readonly string[];
      filter?: { types?: readonly string[] | null; maxSize?: number | null } | null;
      prefix?: string | null;
      googleDocsAs?: GoogleDocsFormat | null;
      idempotencyKey?: string | null;
    },
  ) {
    const drive = await this.usableDrive(principal, input.driveId);
    this.requireStorage(principal, 'storage:write', 'import into storage');
    const paths = checkItems(input.paths, 'paths').map((p) => drivePath(p, 'paths'));
    const types = [...(input.filter?.types ?? [])];
    const maxSize = input.filter?.maxSize ?? null;
    fileFilter(types, maxSize);
    const request: ImportRequest = {
      paths,
      types,
      maxSize,
      prefix: input.prefix ? checkPrefix(input.prefix) : defaultPrefix(drive.name),
      googleDocsAs: input.googleDocsAs ?? 'OFFICE',
    };
    return this.queue(principal, drive, 'IMPORT', request, input.idempotencyKey);
  }

  /** Queues an export of artifacts into a drive folder, each checked now. */
  async exportToDrive(
    principal: Principal,
    input: {
      artifactIds: readonly string[];
      driveId: string;
      folder: string;
      createFolder?: boolean | null;
      idempotencyKey?: string | null;
    },
  ) {
    const drive = await this.usableDrive(principal, input.driveId);
    const storage = this.requireStorage(principal, 'storage:read', 'export from storage');
    const folder = drivePath(input.folder, 'folder');
    const ids = [...new Set(checkItems(input.artifactIds, 'artifactIds'))];
    const found = await Promise.all(
      ids.map(async (id) => (ID.test(id) ? storage.artifact(principal, id) : undefined)),
    );
    const missing = ids.filter((_, i) => !found[i] || found[i]!.deletedAt);
    if (missing.length)
      throw notFound(`no artifact ${missing.slice(0, 5).join(', ')} in this project`, {
        argument: 'artifactIds',
      });
    const byName = new Map<string, string>();
    for (const artifact of found) {
      const name = exportFileName(artifact!.name);
      const twin = byName.get(name);
      if (twin)
        throw badUserInput(
          `${twin} and ${artifact!.name} would both be written as ${name}; export them to different folders`,
          { argument: 'artifactIds' },
        );
      byName.set(name, artifact!.name);
    }
    const request: ExportRequest = { artifactIds: ids, folder, createFolder: input.createFolder ?? true };
    return this.queue(principal, drive, 'EXPORT', request, input.idempotencyKey);
  }

  /**
   * Creates a sync job: a drive folder and an artifact prefix kept equal, one way or both, every
   * `intervalMinutes` (its first run now). The same idempotencyKey and request give back the same job.
   */
  async createSyncJob(
    principal: Principal,
    input: {
      driveId: string;
      folder: string;
      prefix: string;
      direction: SyncDirection;
      intervalMinutes?: number | null;
      propagateDeletions?: boolean | null;
      idempotencyKey?: string | null;
    },
  ) {
    const drive = await this.usableDrive(principal, input.driveId);
    this.requireStorage(principal, 'storage:write', 'sync with storage');
    const folder = drivePath(input.folder, 'folder');
    const prefix = checkPrefix(input.prefix);
    const intervalMinutes = input.intervalMinutes ?? 60;
    if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 7 * 24 * 60)
      throw badUserInput('intervalMinutes is 1 to 10080 (a week)', { argument: 'intervalMinutes' });
    const propagateDeletions = input.propagateDeletions ?? false;
    // Deleting artifacts because their drive copies went is an admin's act, as deleteArtifact is.
    if (propagateDeletions && input.direction !== 'EXPORT')
      this.requireStorage(principal, 'storage:admin', 'delete artifacts when their drive files go');
    const overlapping = (await this.syncJobs.list(principal.projectId, principal.userId, null)).find(
      (j) => j.prefix === prefix || j.prefix.startsWith(`${prefix}/`) || prefix.startsWith(`${j.prefix}/`),
    );
    const request = {
      driveId: drive.id,
      folder,
      prefix,
      direction: input.direction,
      intervalMinutes,
      propagateDeletions,
    };
    return createOnce(
      input.idempotencyKey,
      request,
      async (stamp) => {
        const taken = (on: string) =>
          conflict(`sync job ${on} already syncs this prefix or one around it; one prefix has one job`, {
            argument: 'prefix',
          });
        const earlier = stamp
          ? await this.syncJobs.byKey(principal.projectId, principal.userId, stamp.key)
          : undefined;
        if (earlier) return undefined; // createOnce answers with it (or says the request differs)
        // Two jobs writing one prefix would undo each other's runs.
        if (overlapping) throw taken(overlapping.prefix);
        const made = await this.syncJobs.insert(
          {
            id: randomUUID(),
            projectId: principal.projectId,
            ownerId: principal.userId,
            ...request,
            principal,
            nextRunAt: new Date(),
          },
          stamp,
        );
        if (made) this.logger.info({ syncJobId: made.id, driveId: drive.id, prefix }, 'sync job created');
        else if (!stamp || !(await this.syncJobs.byKey(principal.projectId, principal.userId, stamp.key)))
          throw taken(prefix);
        return made;
      },
      async (key) => this.syncJobs.byKey(principal.projectId, principal.userId, key),
    );
  }

  async syncJob(principal: Principal, id: string) {
    return ID.test(id) ? this.syncJobs.get(principal.projectId, principal.userId, id) : undefined;
  }

  async syncJobList(principal: Principal, driveId: string | null | undefined) {
    if (driveId && !ID.test(driveId)) return [];
    return this.syncJobs.list(principal.projectId, principal.userId, driveId ?? null);
  }

  /** A sync job's runs, newest first. */
  syncRuns(syncJobId: string, first: number | null | undefined) {
    return this.transfers.listBySyncJob(syncJobId, clampFirst(first, 20));
  }

  /** Runs a sync job now: its queued or running run when there is one, else a new one. */
  async runSyncJob(principal: Principal, id: string) {
    const job = await this.syncJob(principal, id);
    if (!job)
      throw notFound(`no sync job ${JSON.stringify(id.slice(0, 100))} of yours in this project`, {
        argument: 'id',
      });
    const request: SyncRequest = { syncJobId: job.id };
    const queued = await this.transfers.insert({
      id: randomUUID(),
      projectId: job.projectId,
      ownerId: job.ownerId,
      driveId: job.driveId,
      direction: 'SYNC',
      request,
      principal: job.principal,
      syncJobId: job.id,
    });
    if (queued) {
      await this.wake();
      return queued;
    }
    const [current] = await this.transfers.listBySyncJob(job.id, 1);
    if (current && ['PENDING', 'RUNNING'].includes(current.status)) return current;
    throw conflict('the sync job is starting a run; ask again in a moment');
  }

  async setSyncJobEnabled(principal: Principal, id: string, enabled: boolean) {
    const job = await this.syncJob(principal, id);
    if (!job)
      throw notFound(`no sync job ${JSON.stringify(id.slice(0, 100))} of yours in this project`, {
        argument: 'id',
      });
    await this.syncJobs.setEnabled(job.id, enabled);
    return { ...job, enabled };
  }

  async deleteSyncJob(principal: Principal, id: string) {
    return ID.test(id) ? this.syncJobs.remove(principal.projectId, principal.userId, id) : false;
  }

  private queue(
    principal: Principal,
    drive: DriveRecord,
    direction: TransferDirection,
    request: ImportRequest | ExportRequest,
    idempotencyKey: string | null | undefined,
  ) {
    return createOnce(
      idempotencyKey,
      { driveId: drive.id, direction, request },
      async (stamp) => {
        const transfer = await this.transfers.insert(
          {
            id: randomUUID(),
            projectId: principal.projectId,
            ownerId: principal.userId,
            driveId: drive.id,
            direction,
            request,
            principal,
            syncJobId: null,
          },
          stamp,
        );
        if (transfer)
          this.logger.info(
            { transferId: transfer.id, driveId: drive.id, direction },
            'drive transfer queued',
          );
        return transfer;
      },
      (key) => this.transfers.byKey(principal.projectId, principal.userId, key),
    );
  }

  async transfer(principal: Principal, id: string) {
    return ID.test(id) ? this.transfers.get(principal.projectId, principal.userId, id) : undefined;
  }

  async transferList(
    principal: Principal,
    driveId: string | null | undefined,
    first: number | null | undefined,
  ) {
    if (driveId && !ID.test(driveId)) return [];
    return this.transfers.list(principal.projectId, principal.userId, driveId ?? null, clampFirst(first, 20));
  }

  transferFiles(transferId: string, first: number | null | undefined, after: string | null | undefined) {
    return this.transfers.files(transferId, clampFirst(first, 100, 10_000), after ?? null);
  }

  /** Stops a transfer; its runner notices within a second and keeps what already moved. */
  async cancelTransfer(principal: Principal, id: string) {
    const transfer = await this.transfer(principal, id);
    if (!transfer)
      throw notFound(`no transfer ${JSON.stringify(id.slice(0, 100))} of yours in this project`, {
        argument: 'id',
      });
    if (await this.transfers.finish(transfer.id, 'CANCELLED', null))
      this.logger.info({ transferId: transfer.id }, 'drive transfer cancelled');
    return (await this.transfer(principal, id))!;
  }

  /** Where imported artifacts came from, for `Artifact.source`. */
  sources(principal: Principal, artifactIds: readonly string[]) {
    return this.transfers.importedByArtifact(
      principal.projectId,
      artifactIds.filter((id) => ID.test(id)),
    );
  }

  /**
   * Imported files whose names, paths or text match `query` (websearch syntax); with `driveId`,
   * then the files the drive's own search finds that were not imported (no artifact, no snippet).
   */
  async search(
    principal: Principal,
    query: string,
    driveId: string | null | undefined,
    first: number | null | undefined,
  ): Promise<SearchHitRecord[]> {
    const words = query.trim();
    if (!words || words.length > 500 || words.includes('\u0000'))
      throw badUserInput('query is 1 to 500 characters of words to find', { argument: 'query' });
    const limit = clampFirst(first, 20);
    const drive = driveId ? await this.drive(principal, driveId) : undefined;
    if (driveId && !drive)
      throw notFound(`no drive ${JSON.stringify(driveId.slice(0, 100))} of yours in this project`, {
        argument: 'driveId',
      });
    const imported: SearchHitRecord[] = await this.transfers.search(
      principal.projectId,
      principal.userId,
      words,
      driveId ?? null,
      limit,
    );
    if (!drive || imported.length >= limit) return imported;
    const known = new Set(imported.map((hit) => hit.path));
    // The provider's search reads plain words, not websearch syntax.
    const plain = words.replace(/["()]|\bor\b|(^|\s)-\S+/gi, ' ').trim();
    if (!plain) return imported;
    const onDrive = await this.onDrive(drive, (provider) => provider.search(plain, limit));
    return [
      ...imported,
      ...onDrive
        .filter((entry) => !known.has(entry.path))
        .map((entry) => ({
          driveId: drive.id,
          path: entry.path,
          name: entry.name,
          providerId: entry.providerId,
          version: entry.version,
          modifiedAt: entry.modifiedAt,
          size: entry.size,
          mimeType: entry.mimeType,
          artifactId: null,
          snippet: null,
          rank: 0,
        })),
    ].slice(0, limit);
  }

  /** A drive of the caller's that can be used now, or the error that says why not. */
  private async usableDrive(principal: Principal, id: string) {
    const drive = await this.drive(principal, id);
    if (!drive)
      throw notFound(`no drive ${JSON.stringify(id.slice(0, 100))} of yours in this project`, {
        argument: 'driveId',
      });
    if (drive.status === 'NEEDS_RECONNECT')
      throw new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        `drive ${drive.name} needs connecting again: its credentials stopped working`,
        { argument: 'driveId', reason: 'DRIVE_NEEDS_RECONNECT' },
      );
    return drive;
  }

  /** Storage in this process, and the caller's right to use it as a transfer will. */
  private requireStorage(principal: Principal, scope: string, what: string): ArtifactPort {
    if (decide(principal, scope) !== 'allowed')
      throw new JarvisError(ErrorCode.FORBIDDEN, `to ${what} you need ${scope} in this project`, { scope });
    return this.storage();
  }

  /** Storage's service beside this one (see SubgraphDeps.peer). */
  storage(): ArtifactPort {
    const storage = this.artifacts();
    if (!storage)
      throw new JarvisError(
        ErrorCode.BACKEND_UNAVAILABLE,
        'the storage subgraph is not running in this process, so drives cannot import or export',
      );
    return storage;
  }

  private async insert(drive: Omit<DriveRecord, 'createdAt'>) {
    const made = await this.store.insert(drive);
    if (!made) throw nameTaken(drive.name);
    this.logger.info({ driveId: made.id, provider: made.provider }, 'drive connected');
    return made;
  }

  /** Connecting tries the drive first: a wrong URL or password is the caller's to fix, now. */
  private async tryDrive(provider: DriveProvider, argument: string) {
    try {
      await provider.check();
    } catch (error) {
      if (!(error instanceof JarvisError)) throw error;
      if (error.code === ErrorCode.UNAUTHENTICATED)
        throw badUserInput(
          'the drive refused these credentials; check the username and password (an app password where the server asks for one)',
          {
            argument: 'password',
            reason: 'DRIVE_CREDENTIALS_REFUSED',
          },
        );
      throw badUserInput(`the drive could not be reached or read: ${error.message}`, { argument });
    }
  }

  /** The provider a drive's record describes, on its (opened) credentials. */
  provider(drive: DriveRecord): DriveProvider {
    if (drive.provider === 'LOCAL')
      return localFolderProvider(drive.settings.root!, `the folder ${drive.name}`);
    if (drive.provider === 'WEBDAV') {
      const password = this.openSecret(drive);
      return webdavProvider(
        { url: drive.location, username: drive.settings.username ?? '', password },
        `drive ${drive.name}`,
      );
    }
    return this.oauthProvider(
      drive.provider,
      drive.name,
      JSON.parse(this.openSecret(drive)) as OAuthTokens,
      (next) => this.store.setSecret(drive.id, this.secrets.seal(JSON.stringify(next), drive.id)),
    );
  }

  /** A Google Drive or OneDrive on these tokens, refreshed ahead of expiry, each new pair given to `save`. */
  private oauthProvider(
    kind: OAuthProviderName,
    name: string,
    tokens: OAuthTokens,
    save: (tokens: OAuthTokens) => Promise<void>,
  ): DriveProvider {
    const configured = this.oauth(kind);
    const keeper = tokenKeeper(
      tokens,
      (refreshToken) => refreshTokens(configured.provider, configured.app, refreshToken),
      save,
    );
    const accessToken = () => keeper.accessToken();
    return kind === 'GOOGLE_DRIVE'
      ? googleDriveProvider(
          { accessToken, ...(configured.apiUrl ? { rootUrl: configured.apiUrl } : {}) },
          `drive ${name}`,
        )
      : oneDriveProvider(
          { accessToken, ...(configured.apiUrl ? { baseUrl: configured.apiUrl } : {}) },
          `drive ${name}`,
        );
  }

  /** A drive's sealed credential; one that cannot be opened (the key changed) means reconnecting (see noteReconnect). */
  private openSecret(drive: DriveRecord): string {
    try {
      return this.secrets.open(drive.secret ?? '', drive.id);
    } catch {
      throw new JarvisError(
        ErrorCode.UNAUTHENTICATED,
        `the credentials of drive ${drive.name} can no longer be read (services.drives.secret_key changed); connect it again`,
        { reason: 'DRIVE_NEEDS_RECONNECT' },
      );
    }
  }

  /** Marks the drive NEEDS_RECONNECT when the error says its credentials no longer work. */
  async noteReconnect(drive: DriveRecord, error: unknown) {
    if (
      error instanceof JarvisError &&
      error.code === ErrorCode.UNAUTHENTICATED &&
      drive.status !== 'NEEDS_RECONNECT'
    )
      await this.store.setStatus(drive.id, 'NEEDS_RECONNECT');
  }
}
