import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { RunRecord, StepRunRecord, WorkflowError } from '../records.ts';
import type { Tx } from './transitions.ts';

/**
 * What the local engine does when something happens to a run, inside the transaction that saw
 * it: the parts of the engine (tasks, timers) call back into it through this.
 */
export interface Stepping {
  /** A step ended well: schedule the steps now ready, or end the run. */
  advance(tx: Tx, run: RunRecord, definition: WorkflowDefinition): Promise<void>;
  /** An attempt failed: another one after the backoff, or the step and its run fail. */
  failAttempt(
    tx: Tx,
    run: RunRecord,
    step: StepRunRecord,
    error: WorkflowError,
    nonRetryable?: boolean,
  ): Promise<void>;
  /** The run went past its execution timeout. */
  timeOutRun(tx: Tx, run: RunRecord): Promise<void>;
}
