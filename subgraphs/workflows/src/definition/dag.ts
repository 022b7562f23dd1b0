// Pure (see workflowDefinition.ts): the Temporal sandbox imports it.
import { evaluateMapping, referencesIn } from './mapping.ts';
import type { StepDefinition, WorkflowDefinition } from './workflowDefinition.ts';

/** The steps a step waits for: its dependsOn and every step its input refers to. */
export function upstreamOf(step: StepDefinition): string[] {
  const referenced = referencesIn(step.input, 'input').references.flatMap((r) =>
    r.reference.root === 'step' ? [r.reference.step] : [],
  );
  return [...new Set([...step.dependsOn, ...referenced])];
}

/** Steps whose upstream steps have all completed and that have not started. */
export function readySteps(
  definition: WorkflowDefinition,
  completed: ReadonlySet<string>,
  started: ReadonlySet<string>,
): StepDefinition[] {
  return definition.steps.filter(
    (s) => !started.has(s.id) && !completed.has(s.id) && upstreamOf(s).every((u) => completed.has(u)),
  );
}

/** The run's result: the workflow's output mapping, or every step's output by step id. */
export function runResult(
  definition: WorkflowDefinition,
  input: unknown,
  outputs: Record<string, unknown>,
): unknown {
  return definition.output === undefined ? outputs : evaluateMapping(definition.output, input, outputs);
}
