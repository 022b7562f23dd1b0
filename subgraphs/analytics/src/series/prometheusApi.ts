import { backendUnavailable, badUserInput } from '@jarvis/errors';
import type { Labels } from '../records.ts';
import type { Series } from './embeddedSeries.ts';

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

/** Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`), its errors as Jarvis's. */
export function prometheusApi(endpoint: string, timeoutMs = 10_000) {
  const base = endpoint.replace(/\/$/, '');
  const call = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw backendUnavailable(`Prometheus at ${base}`, error);
    }
    const answer = (await response
      .json()
      .catch(() => ({ status: 'error', error: `HTTP ${response.status}` }))) as ApiAnswer<T>;
    if (answer.status === 'success') return answer.data as T;
    if (answer.errorType === 'bad_data' || response.status === 400 || response.status === 422) {
      // Prometheus says where: `invalid parameter "query": 1:11: parse error: unclosed left parenthesis`.
      const reason = (answer.error ?? '').replace(/^invalid parameter "query": /, '');
      const at = /^(\d+):(\d+):/.exec(reason);
      throw badUserInput(`Prometheus refused the query: ${reason}`, {
        argument: 'query',
        ...(at ? { position: { line: Number(at[1]), column: Number(at[2]) } } : {}),
      });
    }
    throw backendUnavailable(`Prometheus at ${base}`, new Error(answer.error ?? `HTTP ${response.status}`));
  };
  return {
    async queryRange(query: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]> {
      const data = await call<{
        resultType: string;
        result: { metric: Labels; values: [number, string][] }[];
      }>('/api/v1/query_range', {
        query,
        start: String(start.getTime() / 1000),
        end: String(end.getTime() / 1000),
        step: String(stepSeconds),
      });
      return data.result.map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => ({ at: new Date(t * 1000), value: Number(v) })),
      }));
    },
    /** An instant query; scalars and strings come back as one series without labels. */
    async query(query: string): Promise<{ labels: Labels; value: number }[]> {
      const data = await call<{ resultType: string; result: unknown }>('/api/v1/query', { query });
      if (data.resultType === 'vector')
        return (data.result as { metric: Labels; value: [number, string] }[]).map((r) => ({
          labels: r.metric,
          value: Number(r.value[1]),
        }));
      if (data.resultType === 'scalar')
        return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
      throw badUserInput(`an alert expression must give an instant vector, not a ${data.resultType}`, {
        argument: 'expr',
      });
    },
  };
}

export type PrometheusApi = ReturnType<typeof prometheusApi>;
