/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AlertRuleState =
  | 'FIRING'
  | 'OK'
  | 'PENDING';

export type AlertSeverity =
  | 'CRITICAL'
  | 'INFO'
  | 'WARNING';

export type AlertState =
  | 'FIRING'
  | 'PENDING'
  | 'RESOLVED';

export type ArtifactFilter = {
  component?: string | null | undefined;
  createdAfter?: string | null | undefined;
  createdBefore?: string | null | undefined;
  /** Include soft-deleted artifacts. */
  includeDeleted?: boolean | null | undefined;
  kind?: ArtifactKind | null | undefined;
  namePrefix?: string | null | undefined;
  runId?: string | number | null | undefined;
  /** Artifacts carrying this tag. */
  tag?: string | null | undefined;
  workflowRunId?: string | number | null | undefined;
};

export type ArtifactKind =
  | 'DATASET'
  | 'LOG'
  | 'MEDIA'
  | 'MODEL'
  | 'OTHER'
  | 'REPORT';

export type ChannelKind =
  | 'EMAIL'
  /** An MLflow webhook (MlflowClient.create_webhook): registry events in MLflow's envelope and headers. */
  | 'MLFLOW_WEBHOOK'
  | 'SLACK'
  | 'WEBHOOK';

export type HealthKind =
  /** An engine Jarvis depends on: database, pub/sub, object store, Temporal, MLflow, Prometheus. */
  | 'BACKEND'
  /** A Jarvis subgraph or the router. */
  | 'SERVICE';

export type HealthStatus =
  | 'DOWN'
  | 'UP';

export type LifecycleStage =
  | 'ACTIVE'
  | 'DELETED';

export type ModelVersionStatus =
  | 'FAILED_REGISTRATION'
  | 'PENDING_REGISTRATION'
  | 'READY';

export type NotificationStatus =
  | 'DELIVERED'
  | 'DELIVERING'
  | 'FAILED'
  | 'PENDING';

export type OverlapPolicy =
  /** Every fire starts a run. */
  | 'ALLOW_ALL'
  /** One fire waits for the last run to end; more are dropped. */
  | 'BUFFER_ONE'
  /** A fire while the last run still goes is dropped. */
  | 'SKIP';

export type PrincipalKind =
  | 'SERVICE_ACCOUNT'
  | 'USER';

export type Role =
  /** An editor who also manages members, keys, settings and deletion. */
  | 'ADMIN'
  /** Writes everything in the project. */
  | 'EDITOR'
  /** A viewer who also starts and cancels workflows and logs to runs. */
  | 'LAUNCHER'
  /** Above projects: admin of every project, and creates projects. */
  | 'OWNER'
  /** Reads everything in the project. */
  | 'VIEWER';

export type RunStatus =
  | 'FAILED'
  | 'FINISHED'
  | 'KILLED'
  | 'RUNNING'
  | 'SCHEDULED';

export type RunUpdateKind =
  | 'DELETED'
  /** Metrics, params or tags were logged. */
  | 'LOGGED'
  | 'RESTORED'
  /** Status, end time or name changed. */
  | 'UPDATED';

export type StepKind =
  /** An activity a worker implements. */
  | 'ACTIVITY'
  /** Runs another registered workflow; its output is the child's result. */
  | 'CHILD_WORKFLOW'
  /** Waits for a signal; its output is the signal's payload. */
  | 'SIGNAL'
  /** Waits for durationMs. */
  | 'TIMER';

export type StepRunStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  /** Failed an attempt; waiting for the next one. */
  | 'RETRYING'
  | 'RUNNING'
  | 'SCHEDULED'
  /** A timer or a signal wait. */
  | 'WAITING';

export type TriggerKind =
  /** A new version of an artifact of the given name and/or kind was stored. */
  | 'ARTIFACT_CREATED'
  /** A run of the given workflow completed. */
  | 'WORKFLOW_COMPLETED';

export type WorkflowRunEventType =
  | 'LOG'
  | 'RUN_CANCELLED'
  | 'RUN_COMPLETED'
  | 'RUN_FAILED'
  | 'RUN_STARTED'
  | 'RUN_TERMINATED'
  | 'RUN_TIMED_OUT'
  | 'STEP_CANCELLED'
  | 'STEP_COMPLETED'
  | 'STEP_FAILED'
  | 'STEP_PROGRESS'
  | 'STEP_RETRYING'
  | 'STEP_STARTED';

export type WorkflowRunFilter = {
  component?: string | null | undefined;
  scheduleId?: string | number | null | undefined;
  /** Runs created at or after this time. */
  startedAfter?: string | null | undefined;
  /** Runs created before this time. */
  startedBefore?: string | null | undefined;
  status?: Array<WorkflowRunStatus> | null | undefined;
  workflow?: string | null | undefined;
};

export type WorkflowRunStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'TERMINATED'
  | 'TIMED_OUT';

export type ConsoleArtifactRowFragment = { id: string, name: string, version: number, kind: ArtifactKind, size: number, component: string | null, tags: Array<string>, aliases: Array<string>, runId: string | null, workflowRunId: string | null, createdAt: string };

export type ConsoleArtifactsQueryVariables = Exact<{
  filter?: ArtifactFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleArtifactsQuery = { artifacts: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, version: number, kind: ArtifactKind, size: number, component: string | null, tags: Array<string>, aliases: Array<string>, runId: string | null, workflowRunId: string | null, createdAt: string } }> } };

export type ConsoleArtifactQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleArtifactQuery = { artifact: { sha256: string, contentType: string, metadata: unknown, downloadUrl: string, id: string, name: string, version: number, kind: ArtifactKind, size: number, component: string | null, tags: Array<string>, aliases: Array<string>, runId: string | null, workflowRunId: string | null, createdAt: string } | null };

export type ConsoleArtifactLineageQueryVariables = Exact<{
  id: string | number;
  depth?: number | null | undefined;
}>;


export type ConsoleArtifactLineageQuery = { artifact: { id: string, lineage: { nodes: Array<{ id: string, name: string, version: number, kind: ArtifactKind, runId: string | null, workflowRunId: string | null }>, edges: Array<{ parentId: string, childId: string }> } } | null };

export type ConsoleSetArtifactAliasMutationVariables = Exact<{
  name: string;
  alias: string;
  version: number;
}>;


export type ConsoleSetArtifactAliasMutation = { setArtifactAlias: { name: string, alias: string, version: number } };

export type ConsoleExperimentsQueryVariables = Exact<{
  filter?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleExperimentsQuery = { experiments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, lifecycleStage: LifecycleStage, createdAt: string, updatedAt: string, tags: Array<{ key: string, value: string }> } }> } };

export type ConsoleExperimentQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleExperimentQuery = { experiment: { id: string, name: string, lifecycleStage: LifecycleStage, createdAt: string, tags: Array<{ key: string, value: string }> } | null };

export type ConsoleRunRowFragment = { id: string, name: string, status: RunStatus, startTime: string, endTime: string | null, experiment: { id: string, name: string }, metrics: Array<{ key: string, value: number | null, step: number, timestamp: string }>, params: Array<{ key: string, value: string }>, tags: Array<{ key: string, value: string }> };

export type ConsoleRunsQueryVariables = Exact<{
  experimentIds: Array<string | number> | string | number;
  filter?: string | null | undefined;
  orderBy?: Array<string> | string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleRunsQuery = { searchRuns: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, status: RunStatus, startTime: string, endTime: string | null, experiment: { id: string, name: string }, metrics: Array<{ key: string, value: number | null, step: number, timestamp: string }>, params: Array<{ key: string, value: string }>, tags: Array<{ key: string, value: string }> } }> } };

export type ConsoleRunQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRunQuery = { run: { id: string, name: string, status: RunStatus, startTime: string, endTime: string | null, workflowRuns: Array<{ id: string, workflowName: string, status: WorkflowRunStatus }>, artifacts: { edges: Array<{ node: { id: string, name: string, version: number, kind: ArtifactKind, size: number } }> }, experiment: { id: string, name: string }, metrics: Array<{ key: string, value: number | null, step: number, timestamp: string }>, params: Array<{ key: string, value: string }>, tags: Array<{ key: string, value: string }> } | null };

export type ConsoleCompareRunsQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ConsoleCompareRunsQuery = { compareRuns: { runs: Array<{ id: string, name: string, status: RunStatus, startTime: string, endTime: string | null, experiment: { id: string, name: string }, metrics: Array<{ key: string, value: number | null, step: number, timestamp: string }>, params: Array<{ key: string, value: string }>, tags: Array<{ key: string, value: string }> }>, params: Array<{ key: string, values: Array<string | null> }>, metrics: Array<{ key: string, values: Array<number | null> }> } };

export type ConsoleMetricHistoryQueryVariables = Exact<{
  runId: string | number;
  key: string;
  maxPoints?: number | null | undefined;
}>;


export type ConsoleMetricHistoryQuery = { run: { id: string, metricHistory: Array<{ step: number, value: number | null, isNan: boolean, timestamp: string }> } | null };

export type ConsoleRunUpdatedSubscriptionVariables = Exact<{
  runId: string | number;
}>;


export type ConsoleRunUpdatedSubscription = { runUpdated: { kind: RunUpdateKind, runId: string, status: RunStatus, at: string, metrics: Array<{ key: string, value: number | null, step: number, timestamp: string }> } };

export type ConsoleModelsQueryVariables = Exact<{
  filter?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleModelsQuery = { registeredModels: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { name: string, description: string, updatedAt: string, aliases: Array<{ alias: string, version: number }>, latestVersion: { version: number, status: ModelVersionStatus } | null } }> } };

export type ConsoleModelQueryVariables = Exact<{
  name: string;
}>;


export type ConsoleModelQuery = { registeredModel: { name: string, description: string, tags: Array<{ key: string, value: string }>, aliases: Array<{ alias: string, version: number }>, versions: { edges: Array<{ node: { version: number, status: ModelVersionStatus, source: string, description: string, aliases: Array<string>, createdAt: string, artifactId: string | null, run: { id: string, name: string, experiment: { id: string } } | null } }> } } | null };

export type ConsoleMeQueryVariables = Exact<{
  scopes: Array<string> | string;
}>;


export type ConsoleMeQuery = { me: { kind: PrincipalKind, roles: Array<Role>, allowed: Array<string>, user: { id: string, name: string | null, email: string | null } | null, project: { id: string, name: string } } };

export type ConsoleHealthQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleHealthQuery = { health: Array<{ name: string, kind: HealthKind, status: HealthStatus, latencyMs: number, message: string | null, checkedAt: string }> };

export type ConsoleAlertsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAlertsQuery = { alerts: { edges: Array<{ node: { id: string, state: AlertState, labels: unknown, value: number | null, summary: string | null, activeSince: string, firedAt: string | null, resolvedAt: string | null, rule: { id: string, name: string, severity: AlertSeverity } } }> }, alertRules: { edges: Array<{ node: { id: string, name: string, expr: string, severity: AlertSeverity, state: AlertRuleState, forSeconds: number, lastEvaluatedAt: string | null, lastError: string | null } }> }, notifications: { edges: Array<{ node: { id: string, subject: string, status: NotificationStatus, attempts: number, lastError: string | null, createdAt: string, deliveredAt: string | null, channel: { name: string, kind: ChannelKind } | null } }> } };

export type ConsoleWorkflowRunRowFragment = { id: string, workflowName: string, workflowVersion: number | null, status: WorkflowRunStatus, progress: number, message: string | null, component: string | null, createdAt: string, startedAt: string | null, endedAt: string | null };

export type ConsoleWorkflowsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleWorkflowsQuery = { workflows: Array<{ name: string, version: number, description: string | null, steps: Array<{ id: string }> }> };

export type ConsoleWorkflowRunsQueryVariables = Exact<{
  filter?: WorkflowRunFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleWorkflowRunsQuery = { workflowRuns: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, workflowName: string, workflowVersion: number | null, status: WorkflowRunStatus, progress: number, message: string | null, component: string | null, createdAt: string, startedAt: string | null, endedAt: string | null } }> } };

export type ConsoleWorkflowRunQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleWorkflowRunQuery = { workflowRun: { engine: string, id: string, workflowName: string, workflowVersion: number | null, status: WorkflowRunStatus, progress: number, message: string | null, component: string | null, createdAt: string, startedAt: string | null, endedAt: string | null, error: { type: string, message: string } | null, run: { id: string, name: string } | null, retryOf: { id: string } | null, workflow: { name: string, version: number, steps: Array<{ id: string, kind: StepKind, activity: string | null, signal: string | null, upstream: Array<string> }> } | null, steps: Array<{ stepId: string, kind: StepKind, status: StepRunStatus, attempt: number, activity: string | null, progress: number, message: string | null, dueAt: string | null, startedAt: string | null, endedAt: string | null, error: { type: string, message: string } | null }> } | null };

export type ConsoleWorkflowRunEventsSubscriptionVariables = Exact<{
  runId: string | number;
  afterSequence?: number | null | undefined;
}>;


export type ConsoleWorkflowRunEventsSubscription = { workflowRunEvents: { sequence: number, type: WorkflowRunEventType, stepId: string | null, attempt: number | null, progress: number | null, message: string | null, at: string } };

export type ConsoleWorkflowRunsChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleWorkflowRunsChangedSubscription = { workflowRunsChanged: { type: WorkflowRunEventType, runId: string, status: WorkflowRunStatus, progress: number | null, at: string } };

export type ConsoleCancelWorkflowRunMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleCancelWorkflowRunMutation = { cancelWorkflowRun: { id: string, status: WorkflowRunStatus } };

export type ConsoleRetryWorkflowRunMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRetryWorkflowRunMutation = { retryWorkflowRun: { id: string, status: WorkflowRunStatus } };

export type ConsoleSignalWorkflowRunMutationVariables = Exact<{
  id: string | number;
  signal: string;
  payload?: unknown;
}>;


export type ConsoleSignalWorkflowRunMutation = { signalWorkflowRun: { id: string, status: WorkflowRunStatus } };

export type ConsoleSchedulesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSchedulesQuery = { schedules: Array<{ id: string, workflowName: string, cron: string | null, timezone: string, paused: boolean, note: string | null, overlap: OverlapPolicy, nextFireTimes: Array<string>, lastFiredAt: string | null, trigger: { kind: TriggerKind, artifactName: string | null, workflow: string | null } | null }> };

export type ConsolePauseScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsolePauseScheduleMutation = { pauseSchedule: { id: string, paused: boolean } };

export type ConsoleUnpauseScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleUnpauseScheduleMutation = { unpauseSchedule: { id: string, paused: boolean } };

export type ConsoleTriggerScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleTriggerScheduleMutation = { triggerSchedule: { id: string, lastFiredAt: string | null } };

export const ConsoleArtifactRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleArtifactRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Artifact"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"component"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"workflowRunId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]} as unknown as DocumentNode<ConsoleArtifactRowFragment, unknown>;
export const ConsoleRunRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleRunRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<ConsoleRunRowFragment, unknown>;
export const ConsoleWorkflowRunRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWorkflowRunRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WorkflowRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"workflowName"}},{"kind":"Field","name":{"kind":"Name","value":"workflowVersion"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"component"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}}]}}]} as unknown as DocumentNode<ConsoleWorkflowRunRowFragment, unknown>;
export const ConsoleArtifactsDocument = {"__meta__":{"hash":"sha256:9faea96ec083120bd97acd0a70cf3a43779c9183b32ddf1a58bb056444476c46"}} as unknown as DocumentNode<ConsoleArtifactsQuery, ConsoleArtifactsQueryVariables>;
export const ConsoleArtifactDocument = {"__meta__":{"hash":"sha256:f06f7a049156ff8182a84d6e9c8d500f1ccba092d86a9671c94e3c820dc1646e"}} as unknown as DocumentNode<ConsoleArtifactQuery, ConsoleArtifactQueryVariables>;
export const ConsoleArtifactLineageDocument = {"__meta__":{"hash":"sha256:4c9a461f36ed89ebf33ac8443b750ba9916ef24e38c6128ab2fb2327927456e1"}} as unknown as DocumentNode<ConsoleArtifactLineageQuery, ConsoleArtifactLineageQueryVariables>;
export const ConsoleSetArtifactAliasDocument = {"__meta__":{"hash":"sha256:e7a40317574f55a058074258ed677a9251ea74690b08f0562510e72d46db3d5f"}} as unknown as DocumentNode<ConsoleSetArtifactAliasMutation, ConsoleSetArtifactAliasMutationVariables>;
export const ConsoleExperimentsDocument = {"__meta__":{"hash":"sha256:294df91e2899847a7eb8f8d8e20d316b85ec6d4c613dea1cc88c4cc821c17a02"}} as unknown as DocumentNode<ConsoleExperimentsQuery, ConsoleExperimentsQueryVariables>;
export const ConsoleExperimentDocument = {"__meta__":{"hash":"sha256:272bd4c316b5b9cbf46a5d506060d3d7e6cd388d07982d7d61fc68ae87e41362"}} as unknown as DocumentNode<ConsoleExperimentQuery, ConsoleExperimentQueryVariables>;
export const ConsoleRunsDocument = {"__meta__":{"hash":"sha256:5d36418fa098d18d788bc3f9b3fc67b24b2d1ac083f543eaa71ec47ef9ab7e5d"}} as unknown as DocumentNode<ConsoleRunsQuery, ConsoleRunsQueryVariables>;
export const ConsoleRunDocument = {"__meta__":{"hash":"sha256:a6b0ec51686d629a6746b7c915d8e59bcd214de2daf5d5da5855297bb2765890"}} as unknown as DocumentNode<ConsoleRunQuery, ConsoleRunQueryVariables>;
export const ConsoleCompareRunsDocument = {"__meta__":{"hash":"sha256:36f55a7b2275e5ad96cb4b499ffac3d721c1faff614df8979fb981d88194ddc9"}} as unknown as DocumentNode<ConsoleCompareRunsQuery, ConsoleCompareRunsQueryVariables>;
export const ConsoleMetricHistoryDocument = {"__meta__":{"hash":"sha256:faace1cacc76a3085449d8afc69417f112cce203e8529362431588e200336e33"}} as unknown as DocumentNode<ConsoleMetricHistoryQuery, ConsoleMetricHistoryQueryVariables>;
export const ConsoleRunUpdatedDocument = {"__meta__":{"hash":"sha256:0e47c5951d058821f36ee5a11a9a6d3a4108f9d66402a28a396cb7802324bbaa"}} as unknown as DocumentNode<ConsoleRunUpdatedSubscription, ConsoleRunUpdatedSubscriptionVariables>;
export const ConsoleModelsDocument = {"__meta__":{"hash":"sha256:e708e940d4e29dcc2b151866b9cc0d02dfc2431d5e3579168d890d565bdee993"}} as unknown as DocumentNode<ConsoleModelsQuery, ConsoleModelsQueryVariables>;
export const ConsoleModelDocument = {"__meta__":{"hash":"sha256:933ea39b56d2984fd79532bf6495731e64d3953e8bed6cb1cfbcbeee06eb90cb"}} as unknown as DocumentNode<ConsoleModelQuery, ConsoleModelQueryVariables>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:ac39381d162ac9b02cd643538ea07462b0fadca8d5116be35661d0c2675fd0f1"}} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleHealthDocument = {"__meta__":{"hash":"sha256:d27cfc8814fd36030ae1517d1e21f1531d6df6ec1c43806a519b57d04d086b6a"}} as unknown as DocumentNode<ConsoleHealthQuery, ConsoleHealthQueryVariables>;
export const ConsoleAlertsDocument = {"__meta__":{"hash":"sha256:0658062491d93a820c1d38068737c4e52c9f91c3fc145a412b83a1dcca210a69"}} as unknown as DocumentNode<ConsoleAlertsQuery, ConsoleAlertsQueryVariables>;
export const ConsoleWorkflowsDocument = {"__meta__":{"hash":"sha256:2abd26160da92256d916d7d223e8909b93ef37aea82dea67b11a09540c36921c"}} as unknown as DocumentNode<ConsoleWorkflowsQuery, ConsoleWorkflowsQueryVariables>;
export const ConsoleWorkflowRunsDocument = {"__meta__":{"hash":"sha256:86a1f3eb6fd5fdb3116b437da2b03ce58e95642ef0a6a1008447275d783b2201"}} as unknown as DocumentNode<ConsoleWorkflowRunsQuery, ConsoleWorkflowRunsQueryVariables>;
export const ConsoleWorkflowRunDocument = {"__meta__":{"hash":"sha256:b54a497ca52fd249952a4232bf9865a2508a63319837e442bf13b71cbba4a38e"}} as unknown as DocumentNode<ConsoleWorkflowRunQuery, ConsoleWorkflowRunQueryVariables>;
export const ConsoleWorkflowRunEventsDocument = {"__meta__":{"hash":"sha256:23d8afb7555d60c71c48955ea4d8306ba2cee7858cb017dfff247f14fe8c2e2a"}} as unknown as DocumentNode<ConsoleWorkflowRunEventsSubscription, ConsoleWorkflowRunEventsSubscriptionVariables>;
export const ConsoleWorkflowRunsChangedDocument = {"__meta__":{"hash":"sha256:d3c1cf0d24ccba7e5cc05b2c07f731b290edc43bb6050f6a51d1f49e802224d4"}} as unknown as DocumentNode<ConsoleWorkflowRunsChangedSubscription, ConsoleWorkflowRunsChangedSubscriptionVariables>;
export const ConsoleCancelWorkflowRunDocument = {"__meta__":{"hash":"sha256:2a42db2efb33cc9361e70f89b7340558ecb3fc7a11b9221e2adf30435fa2e6b4"}} as unknown as DocumentNode<ConsoleCancelWorkflowRunMutation, ConsoleCancelWorkflowRunMutationVariables>;
export const ConsoleRetryWorkflowRunDocument = {"__meta__":{"hash":"sha256:e622ff7ec4022055e92eb0c73b0c6001870a06c82ffa47b8ab24b0a0b0579818"}} as unknown as DocumentNode<ConsoleRetryWorkflowRunMutation, ConsoleRetryWorkflowRunMutationVariables>;
export const ConsoleSignalWorkflowRunDocument = {"__meta__":{"hash":"sha256:2ce1bfac2fada025654bba66ad9796c1946ec6323e58228f90cb074b0817181e"}} as unknown as DocumentNode<ConsoleSignalWorkflowRunMutation, ConsoleSignalWorkflowRunMutationVariables>;
export const ConsoleSchedulesDocument = {"__meta__":{"hash":"sha256:7228242beefcd074ef4c9221784d4cd7147d631182c5fd21f8efaf655dfaeef5"}} as unknown as DocumentNode<ConsoleSchedulesQuery, ConsoleSchedulesQueryVariables>;
export const ConsolePauseScheduleDocument = {"__meta__":{"hash":"sha256:a5f6a8a8f048eea91192a8604eca0d73b3c89b1f5b4bab298b497f6e6a9c6506"}} as unknown as DocumentNode<ConsolePauseScheduleMutation, ConsolePauseScheduleMutationVariables>;
export const ConsoleUnpauseScheduleDocument = {"__meta__":{"hash":"sha256:b2198194a90db381c0d8aa409ea54225fa064b798dce16aa75400b0d86db2b20"}} as unknown as DocumentNode<ConsoleUnpauseScheduleMutation, ConsoleUnpauseScheduleMutationVariables>;
export const ConsoleTriggerScheduleDocument = {"__meta__":{"hash":"sha256:d9749aa5d36ada40dadd10e8eecfe2fdadaeca69c12b51ec18eb4581340dbc7c"}} as unknown as DocumentNode<ConsoleTriggerScheduleMutation, ConsoleTriggerScheduleMutationVariables>;