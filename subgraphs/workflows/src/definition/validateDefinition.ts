import { badUserInput } from '@jarvis/errors';
import type { WorkflowDefinitionInput } from '../generated/resolvers.ts';
import { upstreamOf } from './dag.ts';
import { compileInputSchema } from './inputSchema.ts';
import { type MappingProblem, referencesIn } from './mapping.ts';
import {
  DEFAULT_RETRY,
  DEFAULT_START_TO_CLOSE_MS,
  type RetryPolicy,
  type StepDefinition,
  type StepKind,
  type WorkflowDefinition,
} from './workflowDefinition.ts';

/** A definition as a caller writes it (the SDL's input type, from codegen): defaults not applied yet. */
export type { WorkflowDefinitionInput };

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const STEP_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Checks a definition and applies its defaults. Every problem names its place
 * (`steps[1] (train).input.dataset`); the first is the error's message, all are in
 * `extensions.problems`.
 */
export function validateDefinition(
  raw: WorkflowDefinitionInput,
  defaultTaskQueue: string,
): WorkflowDefinition {
  const problems: MappingProblem[] = [];
  const problem = (at: string, message: string) => problems.push({ at, message });
  if (!NAME.test(raw.name))
    problem('name', 'a workflow name starts with a letter: letters, digits, _ . or -, at most 128');
  if (raw.inputSchema !== undefined && raw.inputSchema !== null) {
    const compiled = compileInputSchema(raw.inputSchema);
    if (typeof compiled === 'string') problem('inputSchema', compiled);
  }
  if (raw.steps.length === 0) problem('steps', 'a workflow needs at least one step');
  const ids = new Map<string, number>();
  raw.steps.forEach((s, i) => {
    if (!STEP_ID.test(s.id))
      problem(`steps[${i}].id`, `"${s.id}": a step id starts with a letter: letters, digits, _ or -`);
    if (ids.has(s.id)) problem(`steps[${i}].id`, `"${s.id}" is also the id of steps[${ids.get(s.id)}]`);
    else ids.set(s.id, i);
  });
  const where = (i: number) => `steps[${i}] (${raw.steps[i]!.id})`;
  const positive = (at: string, value: number | null | undefined, min = 1) => {
    if (value !== undefined && value !== null && !(Number.isFinite(value) && value >= min))
      problem(at, `must be a number ≥ ${min}, got ${value}`);
  };
  const inputProperties = schemaProperties(raw.inputSchema);

  const steps: StepDefinition[] = raw.steps.map((s, i) => {
    const at = where(i);
    const kind: StepKind = s.kind ?? 'ACTIVITY';
    const needs: Record<StepKind, keyof typeof s> = {
      ACTIVITY: 'activity',
      TIMER: 'durationMs',
      SIGNAL: 'signal',
      CHILD_WORKFLOW: 'workflow',
    };
    const field = needs[kind];
    if (s[field] === undefined || s[field] === null || s[field] === '')
      problem(`${at}.${field}`, `a ${kind} step needs ${field}`);
    if (kind === 'CHILD_WORKFLOW' && s.workflow === raw.name)
      problem(`${at}.workflow`, `a workflow cannot run itself as a child`);
    positive(`${at}.durationMs`, s.durationMs, 0);
    positive(`${at}.startToCloseTimeoutMs`, s.startToCloseTimeoutMs);
    positive(`${at}.heartbeatTimeoutMs`, s.heartbeatTimeoutMs);
    const retry: RetryPolicy = {
      initialIntervalMs: s.retry?.initialIntervalMs ?? DEFAULT_RETRY.initialIntervalMs,
      backoffCoefficient: s.retry?.backoffCoefficient ?? DEFAULT_RETRY.backoffCoefficient,
      maximumIntervalMs:
        s.retry?.maximumIntervalMs ??
        Math.max(
          DEFAULT_RETRY.maximumIntervalMs,
          (s.retry?.initialIntervalMs ?? DEFAULT_RETRY.initialIntervalMs) * 100,
        ),
      maximumAttempts: s.retry?.maximumAttempts ?? DEFAULT_RETRY.maximumAttempts,
      nonRetryableErrorTypes: s.retry?.nonRetryableErrorTypes ?? [],
    };
    positive(`${at}.retry.initialIntervalMs`, retry.initialIntervalMs);
    positive(`${at}.retry.backoffCoefficient`, retry.backoffCoefficient);
    positive(`${at}.retry.maximumIntervalMs`, retry.maximumIntervalMs, retry.initialIntervalMs);
    positive(`${at}.retry.maximumAttempts`, retry.maximumAttempts, 0);
    for (const d of s.dependsOn ?? [])
      if (!ids.has(d)) problem(`${at}.dependsOn`, `"${d}" is not a step of this workflow`);
    const mapping = referencesIn(s.input, `${at}.input`);
    problems.push(...mapping.problems);
    for (const { at: refAt, reference } of mapping.references) {
      if (reference.root === 'step') {
        if (!ids.has(reference.step)) problem(refAt, `"${reference.step}" is not a step of this workflow`);
        else if (reference.step === s.id) problem(refAt, 'a step cannot read its own output');
      } else if (inputProperties && reference.path[0] && !inputProperties.has(reference.path[0])) {
        problem(refAt, `the input schema has no property "${reference.path[0]}"`);
      }
    }
    return {
      id: s.id,
      kind,
      ...(kind === 'ACTIVITY' ? { activity: s.activity ?? '', taskQueue: s.taskQueue ?? undefined } : {}),
      ...(kind === 'TIMER' ? { durationMs: s.durationMs ?? 0 } : {}),
      ...(kind === 'SIGNAL' ? { signal: s.signal ?? '' } : {}),
      ...(kind === 'CHILD_WORKFLOW' ? { workflow: s.workflow ?? '' } : {}),
      dependsOn: s.dependsOn ?? [],
      ...(s.input === undefined || s.input === null ? {} : { input: s.input }),
      retry,
      startToCloseTimeoutMs: s.startToCloseTimeoutMs ?? DEFAULT_START_TO_CLOSE_MS,
      ...(s.heartbeatTimeoutMs ? { heartbeatTimeoutMs: s.heartbeatTimeoutMs } : {}),
    };
  });

  const output = referencesIn(raw.output, 'output');
  problems.push(...output.problems);
  for (const { at, reference } of output.references)
    if (reference.root === 'step' && !ids.has(reference.step))
      problem(at, `"${reference.step}" is not a step of this workflow`);
  positive('executionTimeoutMs', raw.executionTimeoutMs);

  if (problems.length === 0) {
    const cycle = findCycle(steps);
    if (cycle) problem(where(ids.get(cycle[0]!)!), `steps form a cycle: ${cycle.join(' → ')}`);
  }
  if (problems.length > 0) {
    const [first] = problems;
    throw badUserInput(
      `workflow "${raw.name}" is not valid: ${first!.at}: ${first!.message}` +
        (problems.length > 1 ? ` (and ${problems.length - 1} more in extensions.problems)` : ''),
      { problems },
    );
  }
  return {
    name: raw.name,
    ...(raw.description ? { description: raw.description } : {}),
    ...(raw.inputSchema ? { inputSchema: raw.inputSchema as Record<string, unknown> } : {}),
    taskQueue: raw.taskQueue ?? defaultTaskQueue,
    steps,
    ...(raw.output === undefined || raw.output === null ? {} : { output: raw.output }),
    ...(raw.executionTimeoutMs ? { executionTimeoutMs: raw.executionTimeoutMs } : {}),
  };
}

/** The top-level properties a schema allows, when it closes the set; otherwise undefined. */
function schemaProperties(schema: unknown): Set<string> | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as { properties?: Record<string, unknown>; additionalProperties?: unknown };
  if (!s.properties || s.additionalProperties !== false) return undefined;
  return new Set(Object.keys(s.properties));
}

/** A cycle among the steps, as ids from its first step back to it, or undefined. */
function findCycle(steps: StepDefinition[]): string[] | undefined {
  const upstream = new Map(steps.map((s) => [s.id, upstreamOf(s)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const u of upstream.get(id) ?? []) {
      const cycle = visit(u);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.id);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}
