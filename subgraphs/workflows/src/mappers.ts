import type { StepDefinition } from './definition/workflowDefinition.ts';
import type { RunEvent, RunRecord, ScheduleRecord, StepRunRecord, WorkflowRecord } from './records.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { RunEvent, RunRecord, ScheduleRecord, StepRunRecord, WorkflowRecord };
export type StepDefinitionRecord = StepDefinition;

/** An experiment run, by reference. */
export interface RunRef {
  id: string;
}

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type WorkflowMapper = WorkflowRecord;
export type WorkflowRunMapper = RunRecord;
export type StepRunMapper = StepRunRecord;
export type WorkflowRunEventMapper = RunEvent;
export type ScheduleMapper = ScheduleRecord;
export type StepDefinitionMapper = StepDefinitionRecord;
export type RunMapper = RunRef;
