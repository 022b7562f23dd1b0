import net from 'node:net';
import type { JarvisConfig } from '@jarvis/config';
import type { HealthCheck } from '@jarvis/telemetry';

async function httpCheck(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return `HTTP ${response.status}`;
}

function tcpCheck(hostPort: string): Promise<string> {
  const [host, port] = hostPort.includes('://')
    ? [new URL(hostPort).hostname, new URL(hostPort).port]
    : hostPort.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host!, port: Number(port) });
    socket.setTimeout(2_000, () => socket.destroy(new Error(`no answer from ${hostPort}`)));
    socket.once('connect', () => {
      socket.end();
      resolve(`reachable at ${hostPort}`);
    });
    socket.once('error', (error) => reject(new Error(`cannot reach ${hostPort}: ${error.message}`)));
  });
}

/**
 * Checks for the engines configured in `services` that are not embedded: what `/ready`, the
 * `health` query and `jarvis doctor` report before a subgraph ever uses them.
 */
export function backendChecks(config: JarvisConfig): HealthCheck[] {
  const { storage, experiment, workflow, analytics } = config.services;
  const checks: HealthCheck[] = [];
  if (storage.type === 's3' && storage.endpoint) {
    const endpoint = storage.endpoint.replace(/\/$/, '');
    checks.push({ name: 'object-store', kind: 'BACKEND', check: () => tcpCheck(endpoint) });
  }
  if (experiment.type === 'mlflow' && experiment.tracking_uri) {
    const uri = experiment.tracking_uri.replace(/\/$/, '');
    checks.push({ name: 'mlflow', kind: 'BACKEND', check: () => httpCheck(`${uri}/health`) });
    const registry = experiment.registry_uri?.replace(/\/$/, '');
    if (registry && registry !== uri)
      checks.push({ name: 'mlflow-registry', kind: 'BACKEND', check: () => httpCheck(`${registry}/health`) });
  }
  if (workflow.type === 'temporal' && workflow.endpoint) {
    const endpoint = workflow.endpoint;
    checks.push({ name: 'temporal', kind: 'BACKEND', check: () => tcpCheck(endpoint) });
  }
  if (analytics.type === 'prometheus' && analytics.endpoint) {
    const endpoint = analytics.endpoint.replace(/\/$/, '');
    checks.push({ name: 'prometheus', kind: 'BACKEND', check: () => httpCheck(`${endpoint}/-/ready`) });
  }
  return checks;
}
