import { Command } from 'commander';
import { backup, restore } from './commands/backup.ts';
import { compose } from './commands/compose.ts';
import { dev } from './commands/dev.ts';
import { doctor } from './commands/doctor.ts';
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

await program.parseAsync();
