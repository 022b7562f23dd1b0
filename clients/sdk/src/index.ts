export {
  type Activity,
  type ActivityContext,
  createWorker,
  type JarvisWorker,
  type WorkerOptions,
} from '@jarvis/worker';
export {
  awaitDriveTransfer,
  type DriveTransfer,
  type DriveTransferEvent,
  resolveDrive,
} from './drives/awaitDriveTransfer.ts';
export { DriveTransferError } from './drives/driveTransferError.ts';
export type {
  BestModel,
  ModelVersion,
  RunComparison,
  StartRunOptions,
} from './experiments/experimentOperations.ts';
export { type ParamValue, RunHandle, type RunHandleOptions } from './experiments/runHandle.ts';
export * from './generated/graphql.ts';
export { createJarvisClient, type JarvisClient, type JarvisClientOptions } from './jarvisClient.ts';
export {
  BackendUnavailableError,
  BadUserInputError,
  ChecksumMismatchError,
  ConflictError,
  ForbiddenError,
  JarvisNetworkError,
  JarvisRequestError,
  LimitExceededError,
  NotFoundError,
  UnauthenticatedError,
} from './jarvisErrors.ts';
export { optionsFromEnv } from './optionsFromEnv.ts';
export { formatBytes, type ProgressBar, type ProgressBarOptions, progressBar } from './progressBar.ts';
export { driveTransferBar, transferBar, withStepBars } from './progressReporters.ts';
export { retryTransient } from './retryTransient.ts';
export type { OnProgress, TransferProgress } from './storage/transferProgress.ts';
export {
  type Artifact,
  type StartWorkflowOptions,
  type StoreArtifactOptions,
  TSAIComponent,
  type WorkflowStatus,
} from './tsaiComponent.ts';
export type { WatchOptions, WorkflowEvent } from './workflows/watchWorkflow.ts';
