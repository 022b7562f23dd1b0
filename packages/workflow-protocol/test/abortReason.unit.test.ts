import { expect, it } from 'vitest';
import { abortReasonOfRun } from '../src/index.ts';

it('a run’s final status gives its attempts one reason per cause, and none while it runs', () => {
  expect(
    ['CANCELLED', 'TERMINATED', 'TIMED_OUT', 'FAILED', 'COMPLETED', 'RUNNING', 'PENDING'].map(
      abortReasonOfRun,
    ),
  ).toEqual(['RUN_CANCELLED', 'RUN_TERMINATED', 'RUN_TIMED_OUT', 'RUN_FAILED', null, null, null]);
});
