import type { HealthRegistry, JarvisMetrics } from '@jarvis/telemetry';
import { jsonResponse } from './jsonResponse.ts';

/**
 * /health: the process is up (liveness, cheap). /ready: every registered service and backend
 * answers (readiness). /metrics: Prometheus text format.
 */
export async function opsRoute(
  pathname: string,
  health: HealthRegistry,
  metrics: JarvisMetrics,
): Promise<Response | undefined> {
  if (pathname === '/health') return jsonResponse({ status: 'ok' });
  if (pathname === '/ready') {
    const checks = await health.checkAll();
    const ready = checks.every((c) => c.status === 'UP');
    return jsonResponse({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  }
  if (pathname === '/metrics') {
    // Backends are measured when scraped, so their gauges are as fresh as the scrape.
    for (const check of await health.checkAll(1_000)) {
      if (check.kind !== 'BACKEND') continue;
      metrics.backendUp.set({ backend: check.name }, check.status === 'UP' ? 1 : 0);
      metrics.backendLatency.set({ backend: check.name }, check.latencyMs / 1000);
    }
    return new Response(await metrics.registry.metrics(), {
      headers: { 'content-type': metrics.registry.contentType },
    });
  }
  return undefined;
}
