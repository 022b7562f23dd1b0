import type { Principal } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { BodyTooLargeError, type HttpRoute, readBody } from '@jarvis/subgraph';
import { abortReasonOfRun, type LogLevel, type StepReport } from '@jarvis/workflow-protocol';
import type { WorkflowsService } from './service.ts';

const answer = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * The task-polling API workers in other processes use (`httpConnection` in @jarvis/worker):
 * `POST /workflows/worker/<call>` with a JSON body. Polls are long: they answer when a task is
 * ready or after `timeoutMs`.
 */
export function workerRoutes(service: WorkflowsService, maxBodyBytes: number): HttpRoute[] {
  const remote = () => service.engine.remote;
  const route = (
    call: string,
    handle: (body: Record<string, unknown>, request: Request, principal: Principal) => Promise<unknown>,
  ): HttpRoute => ({
    method: 'POST',
    path: `/workflows/worker/${call}`,
    // Workers run a project's tasks: a launcher's key may. Their effects are audited as runs.
    scope: 'workflows:launch',
    audit: false,
    async handler(request, context) {
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(
          await readBody(request, maxBodyBytes, 'server.max_api_body_bytes'),
        );
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          return answer({ error: 'the body must be a JSON object', code: 'BAD_USER_INPUT' }, 400);
        body = parsed as Record<string, unknown>;
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return answer({ error: error.message, code: error.code }, 413);
        return answer({ error: 'the body must be JSON', code: 'BAD_USER_INPUT' }, 400);
      }
      try {
        return answer((await handle(body, request, context.principal)) ?? {});
      } catch (error) {
        if (error instanceof JarvisError)
          return answer(
            { error: error.message, code: error.code },
            error.code === 'BACKEND_UNAVAILABLE' ? 503 : error.code === 'NOT_FOUND' ? 404 : 400,
          );
        throw error;
      }
    },
  });
  const str = (v: unknown) => String(v ?? '');
  // A worker works for its key's project: another project's runs and tasks do not exist for it.
  const everyProject = (p: Principal) => p.roles.includes('owner');
  const ownRun = async (principal: Principal, runId: string) => {
    const run = await service.store.run(runId);
    if (!run || (!everyProject(principal) && run.projectId !== principal.projectId))
      throw new JarvisError(ErrorCode.NOT_FOUND, `no run ${runId.slice(0, 80)} in this project`);
    return run;
  };
  /** Token calls act on the run the token names (`<runId>/<stepId>/<attempt>`). */
  const owned = async (principal: Principal, token: string) => {
    await ownRun(principal, token.split('/')[0] ?? '');
    return token;
  };
  return [
    route('engine', () => remote().engine()),
    route('poll', async (body, request, principal) => ({
      task: await remote().poll(
        str(body.taskQueue),
        Array.isArray(body.activities) ? body.activities.map(String) : [],
        str(body.workerId),
        request.signal,
        Math.min(Number(body.timeoutMs ?? 20_000), 60_000),
        everyProject(principal) ? undefined : principal.projectId,
      ),
    })),
    route('heartbeat', async (body, _request, principal) =>
      remote().heartbeat(await owned(principal, str(body.token)), {
        ...(typeof body.progress === 'number' ? { progress: body.progress } : {}),
        ...(typeof body.message === 'string' ? { message: body.message } : {}),
      }),
    ),
    route('log', async (body, _request, principal) =>
      remote().log(
        await owned(principal, str(body.token)),
        str(body.level) as LogLevel,
        str(body.message),
        body.data,
      ),
    ),
    route('complete', async (body, _request, principal) =>
      remote().complete(await owned(principal, str(body.token)), body.output ?? null),
    ),
    route('fail', async (body, _request, principal) =>
      remote().fail(await owned(principal, str(body.token)), body.error as never),
    ),
    route('report', async (body, _request, principal) => {
      await ownRun(principal, str(body.runId));
      return service.report(str(body.runId), (body.events ?? []) as StepReport[]);
    }),
    route('run', async (body, _request, principal) => {
      const run = await ownRun(principal, str(body.runId)).catch(() => undefined);
      return {
        experimentRunId: run?.experimentRunId ?? null,
        stopReason: run ? abortReasonOfRun(run.status) : null,
      };
    }),
  ];
}
