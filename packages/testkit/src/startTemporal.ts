import { execFileSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { engineBinary } from './engineBinaries.ts';
import { EngineProcess } from './engineProcess.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export interface TemporalServer extends AsyncDisposable {
  /** host:port of the frontend gRPC service, for Connection.connect({ address }). */
  address: string;
  namespace: string;
  /** A second namespace the server has from the start, for tests of a namespace other than the default. */
  otherNamespace: string;
  /** The `temporal` binary, for @temporalio/testing's `executable: { type: 'existing-path' }`. */
  binary: string;
  version: string;
  stop(): Promise<void>;
}

/** Temporal's dev server (`temporal server start-dev`), in memory, on free loopback ports. */
export async function startTemporal(): Promise<TemporalServer> {
  const binary = engineBinary('temporal');
  const [port, uiPort, httpPort, metricsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const proc = new EngineProcess({
    name: 'temporal',
    command: binary,
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--namespace',
      'jarvis-other',
      '--headless',
      '--log-level',
      'error',
    ],
  });
  proc.start();
  const address = `127.0.0.1:${port}`;
  await waitFor(
    'temporal',
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 180_000, intervalMs: 250, isAlive: proc.exitReason },
  );
  const stop = () => proc.stop();
  return {
    address,
    namespace: 'default',
    otherNamespace: 'jarvis-other',
    binary,
    version: execFileSync(binary, ['--version']).toString().trim(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
