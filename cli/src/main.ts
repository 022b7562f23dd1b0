import { Command } from 'commander';
import { backup, restore } from './commands/backup.ts';
import { compose } from './commands/compose.ts';
import { dev } from './commands/dev.ts';
import { doctor } from './commands/doctor.ts';
import {
  drivesConnectLocal,
  drivesConnectWebdav,
  drivesExport,
  drivesImport,
  drivesList,
} from './commands/drives.ts';
import { keysCreate, keysList, keysRevoke, projectsCreate } from './commands/keys.ts';
import { serve } from './commands/serve.ts';

const program = new Command('jarvis')
  .description(
    'Jarvis Core: one federated GraphQL API over storage, experiments, workflows, analytics and drives',
  )
  .showHelpAfterError();

program
  .command('dev')
  .description('run the router and every subgraph in one process on embedded backends (data in ./.jarvis)')
  .option(
    '-c, --config <file>',
    'configuration file (default: $JARVIS_CONFIG, else ./jarvis.yaml, else defaults)',
  )
  .option('-p, --port <port>', 'port for the router (default: server.port, 4000)')
  .option('--host <host>', 'address to listen on (default: server.host, 127.0.0.1)')
  .action(dev);

program
  .command('serve')
  .description('run one service for production: `router`, or a subgraph name (e.g. platform)')
  .argument('<service>', 'router or a subgraph name')
  .option('-c, --config <file>', 'configuration file')
  .option('-p, --port <port>', 'port to listen on')
  .option('--host <host>', 'address to listen on')
  .action(serve);

program
  .command('compose')
  .description('write docker-compose.yml and deploy/ for the production-like stack')
  .option('-d, --dir <dir>', 'where to write the files', '.')
  .action(compose);

program
  .command('doctor')
  .description('check Node, the configuration and every configured backend, and say what to fix')
  .option('-c, --config <file>', 'configuration file')
  .action(async (options) => {
    process.exitCode = await doctor(options);
  });

program
  .command('backup')
  .description(
    "copy every subgraph's metadata and all artifact bytes to a folder or s3://bucket/prefix, checked by sha256 (stop `jarvis dev` first when it uses the embedded database)",
  )
  .argument('<target>', 'a folder, or s3://bucket/prefix on the S3 server of services.storage')
  .option('-c, --config <file>', 'configuration file')
  .action(backup);

program
  .command('restore')
  .description('put a backup back into an empty Jarvis, checking every file against its sha256')
  .argument('<source>', 'a folder, or s3://bucket/prefix, written by `jarvis backup`')
  .option('-c, --config <file>', 'configuration file')
  .action(restore);

const keys = program
  .command('keys')
  .description(
    'API keys of service accounts and users, on the configured database (stop `jarvis dev` first when it uses the embedded one)',
  );
keys
  .command('create')
  .description("create a key and print it once (a service account's, named --name, unless --user)")
  .requiredOption('-n, --name <name>', 'what the key is for (also the service account it acts as)')
  .requiredOption('-r, --role <role>', 'viewer, launcher, editor or admin')
  .option('-p, --project <project>', 'the project the key acts in', 'default')
  .option('-s, --scopes <scopes>', 'narrow it further, e.g. experiments:write,storage:read')
  .option('--expires-in-days <days>', 'refuse it after this many days')
  .option('-u, --user <id>', "a user's key instead (the user is made a member with the role)")
  .option('--owner', 'make that user a platform owner (creates projects, admin of every one)')
  .option('-c, --config <file>', 'configuration file')
  .action(keysCreate);
keys
  .command('list')
  .description("a project's keys: id, name, role, scopes, who, state, last use (never the secrets)")
  .option('-p, --project <project>', 'the project', 'default')
  .option('-c, --config <file>', 'configuration file')
  .action(keysList);
keys
  .command('revoke')
  .description('revoke a key: its next request is refused and its open subscriptions end')
  .argument('<id>', 'the key id (`jarvis keys list`, or the part after jv_ in the key)')
  .option('-c, --config <file>', 'configuration file')
  .action(keysRevoke);

program
  .command('projects')
  .description('projects')
  .command('create')
  .description('create a project')
  .argument('<id>', 'lowercase letters, digits and dashes')
  .option('--name <name>', 'a display name')
  .option('-c, --config <file>', 'configuration file')
  .action(projectsCreate);

const drives = program
  .command('drives')
  .description('your drives on a running Jarvis (JARVIS_URL, default http://127.0.0.1:4000; JARVIS_API_KEY)');
drives.command('list').description('your drives in this project').action(drivesList);
drives
  .command('connect-local')
  .description(
    'connect a folder Jarvis can read (under services.drives.local_roots), e.g. the iCloud Drive folder',
  )
  .argument('<name>', 'what to call the drive')
  .argument('<folder>', 'its absolute path')
  .action(drivesConnectLocal);
drives
  .command('connect-webdav')
  .description(
    'connect a WebDAV share (Nextcloud, ownCloud, Box); the password comes from JARVIS_WEBDAV_PASSWORD',
  )
  .argument('<name>', 'what to call the drive')
  .argument('<url>', 'the share, e.g. https://cloud.example.com/remote.php/dav/files/alice/')
  .requiredOption('-u, --username <username>', 'the account')
  .action(drivesConnectWebdav);
drives
  .command('import')
  .description('import files or folders from a drive into versioned artifacts, with a progress bar')
  .argument('<drive>', 'drive name or id')
  .argument('<paths...>', 'files or folders on the drive')
  .option('-t, --types <types>', 'only these: video,image,.csv,application/pdf')
  .option('--prefix <prefix>', 'artifact name prefix (default drives/<drive name>)')
  .action(drivesImport);
drives
  .command('export')
  .description('export artifacts (ids) to a drive folder, with a progress bar; optionally share it')
  .argument('<drive>', 'drive name or id')
  .argument('<folder>', 'the folder on the drive (created if missing)')
  .argument('<artifacts...>', 'artifact ids')
  .option('--share-link', 'share the folder with anyone who has the link (Google Drive, OneDrive)')
  .option('--share-with <emails>', 'share the folder with these addresses, comma-separated')
  .action(drivesExport);

await program.parseAsync();
