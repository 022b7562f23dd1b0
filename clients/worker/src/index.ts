// A component sees the protocol's types as the worker's own.
export {
  type AbortReason,
  type ActivityTask,
  abortReasonOfRun,
  type EngineInfo,
  type ErrorReport,
  type HeartbeatAnswer,
  type LogLevel,
  quietTemporalRuntime,
  type StepReport,
  type WorkflowsConnection,
} from '@jarvis/workflow-protocol';
export { ActivityAbortedError } from './activityAborted.ts';
export type { Activity, ActivityContext, ActivityLogger, ActivityRun } from './activityContext.ts';
export { errorReport } from './activityContext.ts';
export { createWorker, type JarvisWorker, type WorkerOptions } from './createWorker.ts';
export { type HttpConnectionOptions, httpConnection } from './httpConnection.ts';
export { LOG_METRICS_DOCUMENT, WORKER_DOCUMENTS } from './workerDocuments.ts';
