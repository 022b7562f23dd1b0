export { type AbortReason, ActivityAbortedError, abortReasonOfRun } from './activityAborted.ts';
export type { Activity, ActivityContext, ActivityLogger, ActivityRun } from './activityContext.ts';
export { errorReport } from './activityContext.ts';
export { createWorker, type JarvisWorker, type WorkerOptions } from './createWorker.ts';
export { type HttpConnectionOptions, httpConnection } from './httpConnection.ts';
export { quietTemporalRuntime } from './quietTemporalRuntime.ts';
export { LOG_METRICS_DOCUMENT, WORKER_DOCUMENTS } from './workerDocuments.ts';
export type {
  ActivityTask,
  EngineInfo,
  ErrorReport,
  HeartbeatAnswer,
  LogLevel,
  StepReport,
  WorkflowsConnection,
} from './workflowsConnection.ts';
