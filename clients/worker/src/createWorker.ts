import { hostname } from 'node:os';
import type { WorkflowsConnection } from '@jarvis/workflow-protocol';
import type { Activity } from './activityContext.ts';
import { httpConnection } from './httpConnection.ts';
import { runLocalWorker } from './localWorker.ts';

export interface WorkerOptions {
  /** The router's URL (`http://host:4000`), or an in-process connection from the workflows subgraph. */
  jarvis: string | WorkflowsConnection;
  /** An API key (or a token), sent with every request when `jarvis` is a URL; `JARVIS_API_KEY` by default. */
  token?: string;
  /** The task queue the workflow steps name (or their workflow's default). */
  taskQueue: string;
  // biome-ignore lint/suspicious/noExplicitAny: each activity declares its own input and output.
  activities: Record<string, Activity<any, any>>;
  /** Activities run at the same time (default 10). */
  maxConcurrent?: number;
  /** Shown in leases and Temporal's UI; defaults to pid@host. */
  identity?: string;
}

export interface JarvisWorker extends AsyncDisposable {
  readonly engine: 'local' | 'temporal';
  readonly identity: string;
  /** Stops taking tasks and waits for the running ones. */
  shutdown(): Promise<void>;
  /** Resolves when the worker has stopped (after shutdown, or a fatal error it rejects with). */
  done: Promise<void>;
}

/**
 * Runs a component's activities for Jarvis workflows. Asks Jarvis which engine it runs on: on
 * the local engine it polls the workflows subgraph for tasks; on Temporal it is a Temporal
 * worker on the same task queue. The activities are the same either way.
 */
export async function createWorker(options: WorkerOptions): Promise<JarvisWorker> {
  const token = options.token ?? process.env.JARVIS_API_KEY;
  const connection =
    typeof options.jarvis === 'string'
      ? httpConnection(options.jarvis, token ? { token } : {})
      : options.jarvis;
  const identity = options.identity ?? `${process.pid}@${hostname()}`;
  const engine = await connection.engine();
  const settings = { connection, identity, maxConcurrent: options.maxConcurrent ?? 10, ...options };
  const running =
    engine.kind === 'local'
      ? runLocalWorker(settings)
      : // Temporal's SDK loads only for workers of a Jarvis that runs on Temporal.
        await (await import('./temporalWorker.ts')).runTemporalWorker({
          ...settings,
          address: engine.address,
          namespace: engine.namespace,
        });
  return {
    engine: engine.kind,
    identity,
    shutdown: running.shutdown,
    done: running.done,
    [Symbol.asyncDispose]: running.shutdown,
  };
}

export interface RunningWorker {
  shutdown(): Promise<void>;
  done: Promise<void>;
}

export interface WorkerSettings extends WorkerOptions {
  connection: WorkflowsConnection;
  identity: string;
  maxConcurrent: number;
}
