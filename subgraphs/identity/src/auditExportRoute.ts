import type { AuditFilter, AuditLog } from '@jarvis/audit';
import type { HttpRoute } from '@jarvis/subgraph';

export const AUDIT_EXPORT_PATH = '/audit/events.jsonl';

const dateParam = (params: URLSearchParams, name: string): Date | null | 'bad' => {
  const value = params.get(name);
  if (value === null) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? 'bad' : date;
};

/**
 * `GET /audit/events.jsonl`: the project's audit log as JSON lines, oldest first, streamed (for
 * a SIEM, `jq`, or an archive). Filters as `auditEvents`: actorId, action, outcome, since, until.
 */
export function auditExportRoute(audit: AuditLog): HttpRoute {
  return {
    method: 'GET',
    path: AUDIT_EXPORT_PATH,
    scope: 'identity:admin',
    async handler(request, context) {
      const params = new URL(request.url).searchParams;
      const since = dateParam(params, 'since');
      const until = dateParam(params, 'until');
      if (since === 'bad' || until === 'bad')
        return Response.json(
          {
            error: 'since and until are ISO-8601 date-times, e.g. 2026-12-01T00:00:00Z',
            code: 'BAD_USER_INPUT',
          },
          { status: 400 },
        );
      const filter: AuditFilter = {
        actorId: params.get('actorId'),
        action: params.get('action'),
        outcome: params.get('outcome'),
        since,
        until,
      };
      const events = audit.export(context.principal.projectId, filter);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await events.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
        },
        async cancel() {
          await events.return(undefined);
        },
      });
      return new Response(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
    },
  };
}
