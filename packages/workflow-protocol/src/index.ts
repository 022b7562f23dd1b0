export { type AbortReason, abortReasonOfRun } from './abortReason.ts';
export { quietTemporalRuntime } from './quietTemporalRuntime.ts';
export type {
  ActivityTask,
  EngineInfo,
  ErrorReport,
  HeartbeatAnswer,
  LogLevel,
  StepReport,
  WorkflowsConnection,
} from './workflowsConnection.ts';
