import { backendUnavailable, badUserInput } from '@jarvis/errors';
import type { GrafanaDashboard } from './grafanaDashboard.ts';

/**
 * Grafana's HTTP API: `POST /api/dashboards/db` creates or updates a dashboard by uid and answers
 * `{ id, uid, url, status, version }`; the URL is relative to Grafana's root.
 */
export function grafanaApi(base: string, token?: string) {
  const root = base.replace(/\/$/, '');
  return {
    async push(dashboard: GrafanaDashboard, message: string): Promise<{ url: string; version: number }> {
      let response: Response;
      try {
        response = await fetch(`${root}/api/dashboards/db`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ dashboard: { ...dashboard, id: null }, overwrite: true, message }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw backendUnavailable(`Grafana at ${root}`, error);
      }
      const body = (await response.json().catch(() => ({}))) as {
        url?: string;
        version?: number;
        message?: string;
      };
      if (response.status === 401 || response.status === 403)
        throw badUserInput(
          `Grafana at ${root} refused the token (${body.message ?? response.status}); set services.analytics.dashboard_token to a service account token with the Editor role`,
        );
      if (!response.ok)
        throw backendUnavailable(`Grafana at ${root}`, new Error(body.message ?? `HTTP ${response.status}`));
      return { url: `${root}${body.url ?? `/d/${dashboard.uid}`}`, version: body.version ?? 1 };
    },
  };
}
