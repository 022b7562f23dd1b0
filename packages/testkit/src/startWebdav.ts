import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { engineBinary } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface WebdavServer extends AsyncDisposable {
  /** The share's root URL, as a user pastes it (Nextcloud's is `…/remote.php/dav/files/<user>/`). */
  url: string;
  username: string;
  password: string;
  /** The folder the server serves (tests put files there behind the server's back). */
  root: string;
  stop(): Promise<void>;
}

/** Where the share is, as Nextcloud serves a user's files: clients must handle a base path. */
const SHARE = '/remote.php/dav/files/alice';

/** WsgiDAV (scripts/install-engines.sh) serving a scratch folder, with HTTP Basic auth, on a loopback port. */
export async function startWebdav(): Promise<WebdavServer> {
  const scratch = scratchDir('webdav');
  const root = path.join(scratch.dir, 'share');
  mkdirSync(root);
  const port = await freePort();
  const username = 'alice';
  const password = 'jarvis-webdav-secret';
  const config = path.join(scratch.dir, 'wsgidav.yaml');
  // JSON is YAML: WsgiDAV reads this as its configuration file.
  writeFileSync(
    config,
    JSON.stringify({
      host: '127.0.0.1',
      port,
      provider_mapping: { [SHARE]: root },
      http_authenticator: { accept_basic: true, accept_digest: false, default_to_digest: false },
      simple_dc: { user_mapping: { '*': { [username]: { password } } } },
      lock_storage: true,
      property_manager: true,
      verbose: 1,
      logging: { enable_loggers: [] },
    }),
  );
  const proc = new EngineProcess({
    name: 'wsgidav',
    command: engineBinary('wsgidav'),
    args: ['--config', config, '--server', 'cheroot'],
  });
  proc.start();
  const url = `http://127.0.0.1:${port}${SHARE}/`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  await waitFor(
    'wsgidav',
    async () =>
      (await fetch(url, { method: 'PROPFIND', headers: { authorization, depth: '0' } })).status === 207,
    { isAlive: proc.exitReason },
  );
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  return { url, username, password, root, stop, [Symbol.asyncDispose]: stop };
}
