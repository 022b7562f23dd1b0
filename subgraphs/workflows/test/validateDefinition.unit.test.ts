import { describe, expect, it } from 'vitest';
import { evaluateMapping } from '../src/definition/mapping.ts';
import { validateDefinition } from '../src/definition/validateDefinition.ts';
import { backoffMs, shouldRetry } from '../src/definition/workflowDefinition.ts';

const problemsOf = (definition: Parameters<typeof validateDefinition>[0]) => {
  try {
    validateDefinition(definition, 'default-queue');
    return [];
  } catch (error) {
    return (error as { extensions: { problems: { at: string; message: string }[] } }).extensions.problems;
  }
};

describe('workflow definitions', () => {
  it('applies defaults: task queue, retry policy, timeouts', () => {
    const d = validateDefinition({ name: 'w', steps: [{ id: 'a', activity: 'a' }] }, 'default-queue');
    expect(d.taskQueue).toBe('default-queue');
    expect(d.steps[0]).toMatchObject({
      kind: 'ACTIVITY',
      retry: {
        initialIntervalMs: 1000,
        backoffCoefficient: 2,
        maximumIntervalMs: 100_000,
        maximumAttempts: 3,
      },
      startToCloseTimeoutMs: 600_000,
    });
  });

  it('names the place of every problem', () => {
    expect(
      problemsOf({
        name: '9lives',
        steps: [
          { id: 'a', activity: 'a', dependsOn: ['ghost'] },
          { id: 'a', kind: 'TIMER' },
          {
            id: 'c',
            activity: 'c',
            input: { x: '$input.nope', y: ['$steps.c.output'] },
            retry: { backoffCoefficient: 0.5 },
          },
        ],
        inputSchema: { type: 'object', properties: { n: {} }, additionalProperties: false },
      }),
    ).toEqual([
      { at: 'name', message: expect.stringContaining('starts with a letter') },
      { at: 'steps[1].id', message: '"a" is also the id of steps[0]' },
      { at: 'steps[0] (a).dependsOn', message: '"ghost" is not a step of this workflow' },
      { at: 'steps[1] (a).durationMs', message: 'a TIMER step needs durationMs' },
      { at: 'steps[2] (c).retry.backoffCoefficient', message: 'must be a number ≥ 1, got 0.5' },
      { at: 'steps[2] (c).input.x', message: 'the input schema has no property "nope"' },
      { at: 'steps[2] (c).input.y[0]', message: 'a step cannot read its own output' },
    ]);
  });

  it('finds cycles through dependsOn and through input references', () => {
    const problems = problemsOf({
      name: 'loop',
      steps: [
        { id: 'a', activity: 'a', dependsOn: ['c'] },
        { id: 'b', activity: 'b', input: '$steps.a.output' },
        { id: 'c', activity: 'c', dependsOn: ['b'] },
      ],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^steps form a cycle: (a → b → c → a|b → c → a → b|c → a → b → c)$/);
  });

  it('rejects an input schema that is not JSON Schema', () => {
    expect(
      problemsOf({ name: 'w', inputSchema: { type: 'banana' }, steps: [{ id: 'a', activity: 'a' }] })[0],
    ).toMatchObject({
      at: 'inputSchema',
    });
  });

  it('maps input and outputs into a step input, keeping $$ literals', () => {
    expect(
      evaluateMapping(
        { a: '$input.x', b: ['$steps.s.output.items.1', '$$price'], c: '$steps.s.output.missing', d: 7 },
        { x: { deep: true } },
        { s: { items: ['zero', 'one'] } },
      ),
    ).toEqual({ a: { deep: true }, b: ['one', '$price'], c: null, d: 7 });
  });

  it('backs off exponentially up to the maximum interval, and stops at maximumAttempts', () => {
    const retry = {
      initialIntervalMs: 100,
      backoffCoefficient: 3,
      maximumIntervalMs: 1_000,
      maximumAttempts: 4,
      nonRetryableErrorTypes: ['Fatal'],
    };
    expect([1, 2, 3, 4].map((a) => backoffMs(retry, a))).toEqual([100, 300, 900, 1_000]);
    expect(shouldRetry(retry, 3, 'Flaky')).toBe(true);
    expect(shouldRetry(retry, 4, 'Flaky')).toBe(false);
    expect(shouldRetry(retry, 1, 'Fatal')).toBe(false);
    expect(shouldRetry({ ...retry, maximumAttempts: 0 }, 1_000, 'Flaky')).toBe(true);
  });
});
