import type { AbortReason, ActivityTask, WorkflowsConnection } from '@jarvis/workflow-protocol';

export interface HttpConnectionOptions {
  /** Sent as `authorization: Bearer …` (an API key or a JWT). */
  token?: string;
  /** How long one task poll waits on the server before answering "nothing yet". */
  pollTimeoutMs?: number;
}

/**
 * A worker in another process reaches the workflows subgraph through the router's origin:
 * `/workflows/worker/*` (the router forwards them to the subgraph).
 * Reports are retried until Jarvis answers, so a restart of Jarvis loses none of them.
 */
export function httpConnection(url: string, options: HttpConnectionOptions = {}): WorkflowsConnection {
  const base = url.replace(/\/+$/, '').replace(/\/graphql$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  async function call<T>(path: string, body: unknown, signal?: AbortSignal, retry = true): Promise<T> {
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      let response: Response;
      try {
        response = await fetch(`${base}/workflows/worker/${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted || !retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (response.status === 502 || response.status === 503) {
        if (!retry) throw new Error(`Jarvis answered ${response.status} to ${path}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const text = await response.text();
      if (!response.ok) {
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {}
        throw new Error(`Jarvis refused ${path} (${response.status}): ${message}`);
      }
      return (text ? JSON.parse(text) : null) as T;
    }
  }

  return {
    engine: () => call('engine', {}),
    async poll(taskQueue, activities, workerId, signal) {
      const result = await call<{ task: ActivityTask | null }>(
        'poll',
        { taskQueue, activities, workerId, timeoutMs: options.pollTimeoutMs ?? 20_000 },
        signal,
      );
      return result.task;
    },
    // A heartbeat that cannot get through is not retried: the next one follows within a second.
    heartbeat: (token, progress) => call('heartbeat', { token, ...progress }, undefined, false),
    log: (token, level, message, data) => call('log', { token, level, message, data }),
    complete: (token, output) => call('complete', { token, output: output ?? null }),
    fail: (token, error) => call('fail', { token, error }),
    report: (runId, events) => call('report', { runId, events }),
    async experimentRunOf(runId) {
      return (await call<{ experimentRunId: string | null }>('run', { runId })).experimentRunId;
    },
    async stopReason(runId) {
      return (await call<{ stopReason: AbortReason | null }>('run', { runId })).stopReason;
    },
    async graphql(query, variables) {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data;
    },
  };
}
