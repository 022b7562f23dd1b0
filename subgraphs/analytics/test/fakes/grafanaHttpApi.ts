// A fake of Grafana's HTTP API for dashboards, for tests only: no Grafana runs on this machine
// (not in Debian, no Docker). It follows Grafana's public reference ("Dashboard HTTP API":
// POST /api/dashboards/db with { dashboard, overwrite, message, folderUid }; 401 without a valid
// token; 400 when the dashboard has no title; 412 "version-mismatch" / "name-exists" when not
// overwriting; 200 with { id, uid, url, status: "success", version, slug }).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function grafanaHttpApi(token: string) {
  const dashboards = new Map<string, { dashboard: Record<string, unknown>; version: number; id: number }>();
  let nextId = 1;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const json = (status: number, value: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.headers.authorization !== `Bearer ${token}`)
        return json(401, { message: 'invalid API key' });
      if (request.method !== 'POST' || request.url !== '/api/dashboards/db')
        return json(404, { message: 'Not found' });
      let payload: { dashboard?: Record<string, unknown>; overwrite?: boolean };
      try {
        payload = JSON.parse(body);
      } catch {
        return json(400, { message: 'bad request data' });
      }
      const dashboard = payload.dashboard;
      if (!dashboard || typeof dashboard.title !== 'string' || !dashboard.title)
        return json(400, { message: 'Dashboard title cannot be empty' });
      const uid = String(dashboard.uid ?? `gen${nextId}`);
      const existing = dashboards.get(uid);
      if (existing && !payload.overwrite)
        return json(412, { message: 'A dashboard with the same uid already exists', status: 'name-exists' });
      const version = (existing?.version ?? 0) + 1;
      const id = existing?.id ?? nextId++;
      dashboards.set(uid, { dashboard, version, id });
      const slug = dashboard.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      json(200, { id, uid, url: `/d/${uid}/${slug}`, status: 'success', version, slug });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dashboards,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
