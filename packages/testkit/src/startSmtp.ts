import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { mlflowPython } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface SmtpServer extends AsyncDisposable {
  host: string;
  port: number;
  /** Every message the server accepted, as raw RFC 5322 text, oldest first. */
  messages(): string[];
  stop(): Promise<void>;
}

export interface SmtpOptions {
  /** Require SMTP AUTH (PLAIN or LOGIN) with these credentials before any mail is taken. */
  auth?: { user: string; password: string };
}

/** aiosmtpd's CLI has no AUTH options: the same server and Maildir handler, started from Python. */
const AUTH_SERVER = `
import sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
host, port, maildir, user, password = sys.argv[1:6]
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
    return AuthResult(success=ok, handled=False)
Controller(Mailbox(maildir), hostname=host, port=int(port), authenticator=check,
           auth_required=True, auth_require_tls=False).start()
threading.Event().wait()
`;

/**
 * aiosmtpd (PyPI, in the engines' virtualenv) on a free loopback port, delivering into a Maildir
 * the test reads back: a real SMTP conversation, not a mock transport.
 */
export async function startSmtp(options: SmtpOptions = {}): Promise<SmtpServer> {
  const scratch = scratchDir('smtp');
  const maildir = path.join(scratch.dir, 'Maildir');
  const port = await freePort();
  const proc = new EngineProcess({
    name: 'aiosmtpd',
    command: mlflowPython(),
    args: options.auth
      ? ['-c', AUTH_SERVER, '127.0.0.1', String(port), maildir, options.auth.user, options.auth.password]
      : ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
  });
  proc.start();
  await waitFor(
    'aiosmtpd',
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('data', (greeting) => {
          socket.end('QUIT\r\n');
          resolve(greeting.toString().startsWith('220'));
        });
        socket.once('error', () => resolve(false));
      }),
    { isAlive: proc.exitReason },
  );
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  return {
    host: '127.0.0.1',
    port,
    messages() {
      const files = ['new', 'cur'].flatMap((sub) => {
        const dir = path.join(maildir, sub);
        return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
      });
      // Maildir names start with the delivery time in seconds, then a sequence: sort by both.
      return files
        .map((file) => ({ file, text: readFileSync(file, 'utf8'), name: path.basename(file) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
        .map((m) => m.text);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
