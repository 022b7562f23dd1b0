import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { systemBinary } from './engineBinaries.ts';
import { EngineProcess, scratchDir } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface RedisServer extends AsyncDisposable {
  url: string;
  version: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = systemBinary('redis-server');
  const scratch = scratchDir('redis');
  const port = await freePort();
  const proc = new EngineProcess({
    name: 'redis',
    command: bin,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      scratch.dir,
    ],
  });
  proc.start();
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    'redis',
    async () => {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {}); // refused while starting: waitFor retries
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    { isAlive: proc.exitReason },
  );
  const stop = async () => {
    await proc.stop();
    scratch.remove();
  };
  return {
    url,
    version: execFileSync(bin, ['--version']).toString().trim(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
