import type { RequestContext } from '@jarvis/context';
import { type HttpRoute, MlflowParams, mlflowEndpointNotFound, mlflowRoute } from '@jarvis/subgraph';
import { type MlflowWebhooks, webhookJson } from '../mlflowWebhooks.ts';

const ROOT = '/api/2.0/mlflow/webhooks';

/**
 * MLflow's webhook routes (`MlflowClient.create_webhook`, `list_webhooks`, `get_webhook`,
 * `update_webhook`, `delete_webhook`, `test_webhook`), and their `/ajax-api` aliases.
 */
export function mlflowWebhookRoutes(webhooks: MlflowWebhooks, maxBodyBytes: number): HttpRoute[] {
  const params = (request: Request) => MlflowParams.of(request, maxBodyBytes);
  /** `<id>` or `<id>/test` after the root, decoded; undefined for any other shape. */
  const tail = (request: Request) => {
    const { pathname } = new URL(request.url);
    const rest = pathname.slice(pathname.indexOf(ROOT) + ROOT.length + 1).split('/');
    if (rest.length > 2 || !rest[0] || (rest.length === 2 && rest[1] !== 'test')) return undefined;
    try {
      return { id: decodeURIComponent(rest[0]), test: rest.length === 2 };
    } catch {
      return undefined;
    }
  };
  const onOne =
    (handle: (id: string, request: Request, context: RequestContext) => Promise<unknown>, test = false) =>
    async (request: Request, context: RequestContext) => {
      const at = tail(request);
      if (!at || at.test !== test)
        return mlflowEndpointNotFound(request.method, new URL(request.url).pathname);
      return Response.json(await handle(at.id, request, context));
    };

  const routes: HttpRoute[] = [
    mlflowRoute('POST', ROOT, 'notifications:write', async (request, { principal }) =>
      Response.json({ webhook: webhookJson(await webhooks.create(principal, await params(request))) }),
    ),
    mlflowRoute('GET', ROOT, 'notifications:read', async (request, { principal }) => {
      const page = await webhooks.list(principal, await params(request));
      return Response.json({
        webhooks: page.webhooks.map(webhookJson),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      });
    }),
    mlflowRoute(
      'GET',
      `${ROOT}/*`,
      'notifications:read',
      onOne(async (id, _request, { principal }) => ({
        webhook: webhookJson(await webhooks.get(principal, id)),
      })),
    ),
    mlflowRoute(
      'PATCH',
      `${ROOT}/*`,
      'notifications:write',
      onOne(async (id, request, { principal }) => ({
        webhook: webhookJson(await webhooks.update(principal, id, await params(request))),
      })),
    ),
    mlflowRoute(
      'DELETE',
      `${ROOT}/*`,
      'notifications:admin',
      onOne(async (id, _request, { principal }) => {
        await webhooks.delete(principal, id);
        return {};
      }),
    ),
    mlflowRoute(
      'POST',
      `${ROOT}/*`,
      'notifications:write',
      onOne(
        async (id, request, { principal }) => ({
          result: await webhooks.test(principal, id, await params(request)),
        }),
        true,
      ),
    ),
  ];
  return [...routes, ...routes.map((r) => ({ ...r, path: r.path.replace(/^\/api\//, '/ajax-api/') }))];
}
