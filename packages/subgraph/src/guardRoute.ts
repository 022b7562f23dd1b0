import type { AuditLog } from '@jarvis/audit';
import { auditedCall } from './auditedCall.ts';
import { requireAccess } from './guardResolvers.ts';
import type { HttpRoute } from './subgraphModule.ts';

const READS = new Set(['GET', 'HEAD']);

/**
 * A route as every subgraph serves it: its declared scope checked against the caller (401/403
 * in the route's own error shape, MLflow's under /api/2.0/), and state-changing calls audited.
 */
export function guardRoute(service: string, route: HttpRoute, audit: AuditLog): HttpRoute {
  const audited = route.audit !== false && !READS.has(route.method);
  return {
    ...route,
    async handler(request, context) {
      try {
        requireAccess(context, route.scope, `${route.method} ${new URL(request.url).pathname}`);
      } catch (error) {
        return refusal(request, error as Error & { extensions: { code: string } });
      }
      if (!audited) return route.handler(request, context);
      const action = `${request.method} ${new URL(request.url).pathname}`;
      return auditedCall(
        audit,
        context,
        (outcome) => ({ service, action, targets: [], outcome }),
        () => route.handler(request, context),
        (response) => (response.status < 400 ? 'ok' : `HTTP ${response.status}`),
      );
    },
  };
}

/** A refused route call, in the shape its clients parse: MLflow's under /api/2.0/, Jarvis's elsewhere. */
export function refusal(request: Request, error: Error & { extensions: { code: string } }): Response {
  const code = error.extensions.code;
  const status = code === 'UNAUTHENTICATED' ? 401 : 403;
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Bearer realm="jarvis", Basic realm="jarvis"' } : {};
  const body = new URL(request.url).pathname.startsWith('/api/2.0/')
    ? { error_code: status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', message: error.message }
    : { error: error.message, code };
  return Response.json(body, { status, headers });
}
