import { randomBytes, randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, conflict, ErrorCode, JarvisError } from '@jarvis/errors';
import { consentUrl, exchangeCode, type OAuthTokens, refreshTokens } from './oauth/oauthClient.ts';
import type { OAuthProviderName } from './oauth/oauthProviders.ts';
import { pkce } from './oauth/pkce.ts';
import { tokenKeeper } from './oauth/tokenKeeper.ts';
import type { ConfiguredOAuth } from './oauthApps.ts';
import { drivePath } from './providers/drivePath.ts';
import type { DriveEntry, DriveProvider } from './providers/driveProvider.ts';
import { googleDriveProvider } from './providers/googleDriveProvider.ts';
import { localFolderProvider } from './providers/localFolderProvider.ts';
import { oneDriveProvider } from './providers/oneDriveProvider.ts';
import { webdavProvider } from './providers/webdavProvider.ts';
import type { DriveRecord } from './records.ts';
import type { SecretBox } from './secrets/secretBox.ts';
import type { DriveStore } from './store/driveStore.ts';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a consent link works. */
const CONSENT_MS = 10 * 60_000;
const LABEL: Record<OAuthProviderName, string> = { GOOGLE_DRIVE: 'Google Drive', ONEDRIVE: 'OneDrive' };

const nameTaken = (name: string) =>
  conflict(`you have a drive named ${JSON.stringify(name)} in this project; pick another name`);

function checkName(name: string) {
  if (!name.trim() || name.length > 100 || [...name].some((c) => c.charCodeAt(0) < 32))
    throw badUserInput('a drive name is 1 to 100 characters, without control characters', {
      argument: 'name',
    });
  return name.trim();
}

/** Drives: connecting them (credentials checked, then sealed), listing them and their files. */
export class DrivesService {
  private readonly store: DriveStore;
  private readonly secrets: SecretBox;
  private readonly localRoots: string[];
  private readonly logger: Logger;
  private readonly oauth: (provider: OAuthProviderName) => ConfiguredOAuth;

  constructor(options: {
    store: DriveStore;
    secrets: SecretBox;
    localRoots: string[];
    oauth: (provider: OAuthProviderName) => ConfiguredOAuth;
    logger: Logger;
  }) {
    this.store = options.store;
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
  async files(drive: DriveRecord, folder: string, recursive: boolean): Promise<DriveEntry[]> {
    try {
      return await this.provider(drive).list(drivePath(folder, 'folder'), { recursive });
    } catch (error) {
      await this.noteReconnect(drive, error);
      throw error;
    }
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

  private provider(drive: DriveRecord): DriveProvider {
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

  private async noteReconnect(drive: DriveRecord, error: unknown) {
    if (
      error instanceof JarvisError &&
      error.code === ErrorCode.UNAUTHENTICATED &&
      drive.status !== 'NEEDS_RECONNECT'
    )
      await this.store.setStatus(drive.id, 'NEEDS_RECONNECT');
  }
}
