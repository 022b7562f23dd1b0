import { describe, expect, it } from 'vitest';
import { createMetrics, HealthRegistry } from '../src/index.ts';

describe('createMetrics', () => {
  it('bounds operation-name labels: past the cap and for odd names, `other`', () => {
    const metrics = createMetrics({ maxOperationNames: 2, defaultMetrics: false });
    expect(metrics.operationLabel('A')).toBe('A');
    expect(metrics.operationLabel('B')).toBe('B');
    expect(metrics.operationLabel('C')).toBe('other');
    expect(metrics.operationLabel('A')).toBe('A');
    expect(metrics.operationLabel(undefined)).toBe('anonymous');
    expect(createMetrics({ defaultMetrics: false }).operationLabel('x{y="1"}')).toBe('other');
  });

  it('exposes jarvis_-prefixed metrics in Prometheus text format', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.graphqlRequests.inc({ service: 'router', operation: 'Q', type: 'query', status: 'ok' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE jarvis_graphql_requests_total counter');
    expect(text).toContain(
      'jarvis_graphql_requests_total{service="router",operation="Q",type="query",status="ok"} 1',
    );
    expect(text).toContain('# TYPE jarvis_graphql_request_duration_seconds histogram');
  });
});

describe('HealthRegistry', () => {
  it('reports UP with detail, DOWN with the error, and DOWN for a check that hangs', async () => {
    const health = new HealthRegistry();
    health.register({ name: 'ok', kind: 'BACKEND', check: async () => 'v1' });
    health.register({
      name: 'broken',
      kind: 'BACKEND',
      check: async () => {
        throw new Error('refused');
      },
    });
    health.register({ name: 'hung', kind: 'SERVICE', check: () => new Promise(() => {}) });
    const results = await health.checkAll(100);
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName.ok).toMatchObject({ status: 'UP', message: 'v1', kind: 'BACKEND' });
    expect(byName.broken).toMatchObject({ status: 'DOWN', message: 'refused' });
    expect(byName.hung).toMatchObject({ status: 'DOWN', message: 'no answer within 100 ms' });
    expect(await health.checkOne('nope')).toBeUndefined();
  });
});
