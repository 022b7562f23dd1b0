// The Temporal workflow that interprets a Jarvis pipeline. It runs in Temporal's deterministic
// sandbox: it may import only @temporalio/workflow and the pure definition modules.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  proxyActivities,
  proxySinks,
  type Sinks,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { readySteps, runResult } from '../definition/dag.ts';
import { evaluateMapping } from '../definition/mapping.ts';
import type { StepDefinition, WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { NewRunEvent } from '../records.ts';

/** Who started the run and what it belongs to, for the run's row in Jarvis. */
export interface PipelineMeta {
  projectId: string;
  workflowName: string;
  workflowVersion: number;
  component: string | null;
  experimentRunId: string | null;
  scheduleId: string | null;
  retryOf: string | null;
  parentRunId: string | null;
  parentStepId: string | null;
}

export interface PipelineArgs {
  definition: WorkflowDefinition;
  input: unknown;
  meta: PipelineMeta;
  /** Outputs of steps a retried run already completed. */
  completed?: Record<string, unknown>;
  /** Definitions of the workflows its CHILD_WORKFLOW steps run, by name (with their own children). */
  children?: Record<string, { definition: WorkflowDefinition; version: number }>;
}

export interface JarvisSinks extends Sinks {
  jarvis: { emit(events: NewRunEvent[], meta: PipelineMeta | null): void };
}

export const jarvisSignal = defineSignal<[string, unknown]>('jarvis.signal');
export const jarvisState = defineQuery<{ steps: Record<string, string>; outputs: Record<string, unknown> }>(
  'jarvis.state',
);

const { jarvis } = proxySinks<JarvisSinks>();
const now = () => new Date().toISOString();

export async function jarvisPipeline(args: PipelineArgs): Promise<unknown> {
  const { definition, input, meta } = args;
  const emit = (events: NewRunEvent[]) =>
    jarvis.emit(
      events.map((e) => ({ at: now(), ...e })),
      null,
    );
  const outputs: Record<string, unknown> = { ...(args.completed ?? {}) };
  const completed = new Set(Object.keys(outputs));
  const started = new Set<string>(completed);
  const status: Record<string, string> = Object.fromEntries(
    definition.steps.map((s) => [s.id, completed.has(s.id) ? 'COMPLETED' : 'PENDING']),
  );
  const signals: { name: string; payload: unknown }[] = [];
  setHandler(jarvisSignal, (name, payload) => {
    signals.push({ name, payload });
  });
  setHandler(jarvisState, () => ({ steps: status, outputs }));

  jarvis.emit([{ type: 'RUN_STARTED', at: now(), data: { input } }], meta);
  if (completed.size > 0)
    emit(
      [...completed].map((id) => ({
        type: 'STEP_COMPLETED' as const,
        stepId: id,
        attempt: 0,
        message: `reused from run ${meta.retryOf}`,
        data: { output: outputs[id], reused: true },
      })),
    );

  const runStep = async (step: StepDefinition, stepInput: unknown): Promise<unknown> => {
    switch (step.kind) {
      case 'ACTIVITY': {
        const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
          taskQueue: step.taskQueue ?? definition.taskQueue,
          activityId: step.id,
          startToCloseTimeout: step.startToCloseTimeoutMs,
          ...(step.heartbeatTimeoutMs ? { heartbeatTimeout: step.heartbeatTimeoutMs } : {}),
          retry: {
            initialInterval: step.retry.initialIntervalMs,
            backoffCoefficient: step.retry.backoffCoefficient,
            maximumInterval: step.retry.maximumIntervalMs,
            maximumAttempts: step.retry.maximumAttempts,
            nonRetryableErrorTypes: step.retry.nonRetryableErrorTypes,
          },
        });
        return activities[step.activity!]!(stepInput);
      }
      case 'TIMER':
        await sleep(step.durationMs ?? 0);
        return { firedAt: now() };
      case 'SIGNAL': {
        await condition(() => signals.some((s) => s.name === step.signal));
        const index = signals.findIndex((s) => s.name === step.signal);
        return signals.splice(index, 1)[0]!.payload;
      }
      case 'CHILD_WORKFLOW': {
        const child = args.children?.[step.workflow!];
        if (!child)
          throw ApplicationFailure.nonRetryable(
            `no definition for child workflow ${step.workflow}`,
            'ChildWorkflowFailure',
          );
        return executeChild(jarvisPipeline, {
          workflowId: `${workflowInfo().workflowId}.${step.id}`,
          taskQueue: workflowInfo().taskQueue,
          args: [
            {
              definition: child.definition,
              input: stepInput,
              children: args.children ?? {},
              meta: {
                ...meta,
                workflowName: child.definition.name,
                workflowVersion: child.version,
                retryOf: null,
                scheduleId: null,
                parentRunId: workflowInfo().workflowId,
                parentStepId: step.id,
              },
            },
          ],
        });
      }
    }
  };

  /** STEP_CANCELLED for each step still under way (and `also`, the step whose failure was the cancellation), as on the local engine. */
  const stepsCancelled = (message: string, also?: string) =>
    Object.entries(status)
      .filter(([id, s]) => s === 'RUNNING' || id === also)
      .map(([id]) => {
        status[id] = 'CANCELLED';
        return { type: 'STEP_CANCELLED' as const, stepId: id, message };
      });

  const scope = new CancellationScope();
  let failure: { step: StepDefinition; error: unknown } | undefined;
  const running = new Map<string, Promise<void>>();
  const launch = () => {
    for (const step of readySteps(definition, completed, started)) {
      started.add(step.id);
      status[step.id] = 'RUNNING';
      const stepInput = evaluateMapping(step.input ?? null, input, outputs);
      emit([
        {
          type: 'STEP_STARTED',
          stepId: step.id,
          attempt: 1,
          data: {
            input: stepInput,
            ...(step.kind === 'CHILD_WORKFLOW'
              ? { childRunId: `${workflowInfo().workflowId}.${step.id}` }
              : {}),
          },
          ...(step.kind === 'SIGNAL' ? { message: `waiting for signal ${step.signal}` } : {}),
        },
      ]);
      const done = scope
        .run(() => runStep(step, stepInput))
        .then(
          (output) => {
            completed.add(step.id);
            outputs[step.id] = output ?? null;
            status[step.id] = 'COMPLETED';
            emit([{ type: 'STEP_COMPLETED', stepId: step.id, data: { output: output ?? null } }]);
          },
          (error: unknown) => {
            status[step.id] = 'FAILED';
            failure ??= { step, error };
          },
        )
        .finally(() => running.delete(step.id));
      running.set(step.id, done);
    }
  };

  try {
    const timeout = definition.executionTimeoutMs;
    const deadline = timeout ? sleep(timeout).then(() => 'timeout' as const) : new Promise<never>(() => {});
    launch();
    while (running.size > 0) {
      const first = await Promise.race([deadline, ...running.values()]);
      if (first === 'timeout') {
        scope.cancel();
        const error = { type: 'WorkflowExecutionTimeout', message: 'the run exceeded its execution timeout' };
        emit([
          ...stepsCancelled(error.message),
          { type: 'RUN_TIMED_OUT', message: error.message, data: { error } },
        ]);
        throw ApplicationFailure.nonRetryable(error.message, error.type);
      }
      if (failure) break;
      launch();
    }
  } catch (error) {
    if (isCancellation(error)) {
      emit([...stepsCancelled('the run was cancelled'), { type: 'RUN_CANCELLED', message: 'cancelled' }]);
    }
    throw error;
  }
  if (failure) {
    scope.cancel();
    const { step, error } = failure;
    if (isCancellation(error)) {
      emit([
        ...stepsCancelled('the run was cancelled', step.id),
        { type: 'RUN_CANCELLED', message: 'cancelled' },
      ]);
      throw error;
    }
    const cause = (
      error as { cause?: { type?: string; message?: string; name?: string; timeoutType?: string } }
    ).cause;
    // Timeouts read as on the local engine: StartToCloseTimeout, HeartbeatTimeout.
    const timeout = cause?.timeoutType
      ? cause.timeoutType === 'HEARTBEAT'
        ? 'HeartbeatTimeout'
        : cause.timeoutType === 'START_TO_CLOSE'
          ? 'StartToCloseTimeout'
          : `${cause.timeoutType}_TIMEOUT`
      : undefined;
    const e = {
      type: timeout ?? cause?.type ?? cause?.name ?? (error as Error).name ?? 'Error',
      message: timeout
        ? `attempt timed out (${cause?.timeoutType})`
        : (cause?.message ?? (error as Error).message),
    };
    emit([
      { type: 'STEP_FAILED', stepId: step.id, message: e.message, data: { error: e } },
      ...stepsCancelled('the run failed in another step'),
      {
        type: 'RUN_FAILED',
        message: `step ${step.id} failed: ${e.message}`,
        data: { error: { ...e, details: { stepId: step.id } } },
      },
    ]);
    throw ApplicationFailure.nonRetryable(`step ${step.id} failed: ${e.message}`, e.type);
  }
  const result = runResult(definition, input, outputs);
  emit([{ type: 'RUN_COMPLETED', data: { result } }]);
  return result;
}
