import type { Principal, RequestContext } from '@jarvis/context';
import { type HttpRoute, MlflowParams, mlflowEndpointNotFound, mlflowRoute } from '@jarvis/subgraph';

/**
 * One MLflow endpoint: its full path (`/api/2.0/mlflow/logged-models/{model_id}`; the `{…}`
 * segments arrive as parameters), the scope it needs, and its handler, which answers JSON or a
 * whole Response.
 */
export interface MlflowEndpoint {
  method: HttpRoute['method'];
  path: string;
  scope: string;
  handle: (p: MlflowParams, principal: Principal, request: Request) => Promise<unknown>;
}

/** Where MLflow's server answers; anything else under these is an endpoint it lacks. */
const API_ROOTS = ['/api/2.0/mlflow/', '/api/3.0/mlflow/', '/ajax-api/2.0/mlflow/', '/ajax-api/3.0/mlflow/'];

function answer(endpoint: MlflowEndpoint, maxBodyBytes: number, pathParams: Record<string, string> = {}) {
  return async (request: Request, context: RequestContext) => {
    const params = await MlflowParams.of(request, maxBodyBytes, pathParams);
    const result = await endpoint.handle(params, context.principal, request);
    return result instanceof Response ? result : Response.json(result);
  };
}

/** `{name}` segments as a regular expression that captures them. */
function matcher(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

/**
 * The MLflow API as routes: each endpoint also under MLflow's `/ajax-api` alias (what its web
 * UI calls), templated paths as one prefix route per method that matches the rest, and
 * MLflow's ENDPOINT_NOT_FOUND for anything else under the API, so clients report it plainly.
 */
export function mlflowApiRoutes(endpoints: MlflowEndpoint[], maxBodyBytes: number): HttpRoute[] {
  const all = endpoints.flatMap((e) =>
    e.path.startsWith('/api/') ? [e, { ...e, path: e.path.replace(/^\/api\//, '/ajax-api/') }] : [e],
  );
  const routes: HttpRoute[] = all
    .filter((e) => !e.path.includes('{'))
    .map((e) => mlflowRoute(e.method, e.path, e.scope, answer(e, maxBodyBytes)));

  const groups = new Map<string, MlflowEndpoint[]>();
  for (const e of all.filter((x) => x.path.includes('{'))) {
    const prefix = e.path.slice(0, e.path.lastIndexOf('/', e.path.indexOf('{')) + 1);
    const key = `${e.method} ${prefix}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const [key, group] of groups) {
    const [method, prefix] = key.split(' ') as [HttpRoute['method'], string];
    const scopes = new Set(group.map((e) => e.scope));
    if (scopes.size > 1)
      throw new Error(`MLflow endpoints under ${key} need one scope, not ${[...scopes].join(', ')}`);
    const matchers = group.map((e) => ({ e, ...matcher(e.path) }));
    routes.push(
      mlflowRoute(method, `${prefix}*`, group[0]!.scope, async (request, context) => {
        const pathname = new URL(request.url).pathname;
        for (const { e, regex, names } of matchers) {
          const found = regex.exec(pathname);
          if (!found) continue;
          let values: string[];
          try {
            values = found.slice(1).map((v) => decodeURIComponent(v));
          } catch {
            continue;
          }
          return answer(
            e,
            maxBodyBytes,
            Object.fromEntries(names.map((n, i) => [n, values[i]!])),
          )(request, context);
        }
        return mlflowEndpointNotFound(method, pathname);
      }),
    );
  }

  for (const root of API_ROOTS)
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD'] as const)
      routes.push({
        method,
        path: `${root}*`,
        scope: 'authenticated',
        handler: async (request) => mlflowEndpointNotFound(method, new URL(request.url).pathname),
      });
  return routes;
}
