from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import (
    AlertSeverity,
    ArtifactKind,
    ArtifactOrderField,
    ChannelKind,
    ComparisonOperator,
    NotificationEvent,
    OrderDirection,
    OverlapPolicy,
    Role,
    StepKind,
    TriggerKind,
    WorkflowRunStatus,
)


class AlertRuleInput(BaseModel):
    name: str
    expr: Optional[str] = None
    "A PromQL expression: every series it returns is an alert (needs Prometheus). Or use metric + threshold."
    metric: Optional[str] = None
    "A metric name, compared to threshold (works embedded and on Prometheus)."
    match_labels: Optional[Any] = Field(alias="matchLabels", default=None)
    'Label matchers for metric, e.g. { rink: "north" }.'
    operator: Optional[ComparisonOperator] = ComparisonOperator.GT
    threshold: Optional[float] = None
    for_seconds: Optional[int] = Field(alias="forSeconds", default=0)
    "How long the condition must hold before the alert fires."
    severity: Optional[AlertSeverity] = AlertSeverity.WARNING
    labels: Optional[Any] = None
    "Added to the alert's labels."
    summary: Optional[str] = None
    "One line for people, e.g. `Rink {{labels.rink}} is {{value}} °C`."
    channel_ids: Optional[list[str]] = Field(alias="channelIds", default=None)
    "Notification channels told when it fires and resolves (notifications subgraph)."


class DriveFileFilter(BaseModel):
    """Which files of the paths an import takes."""

    types: Optional[list[str]] = None
    "Media types or families: `image`, `video`, `image/png`, `application/pdf`, or a file\nextension (`.csv`). None means every file."
    max_size: Optional[int] = Field(alias="maxSize", default=None)
    "Files larger than this (bytes) are left out."


class SystemInfoInput(BaseModel):
    runtime: Optional[str] = None
    platform: Optional[str] = None
    git_commit: Optional[str] = Field(alias="gitCommit", default=None)
    host: Optional[str] = None


class CreateModelVersionInput(BaseModel):
    name: str
    "The registered model (create it first with createRegisteredModel)."
    artifact_id: Optional[str] = Field(alias="artifactId", default=None)
    "A storage artifact holding the model; its source becomes `jarvis://artifacts/<id>`."
    source: Optional[str] = None
    "Where the files are, when not a storage artifact (e.g. `mlflow-artifacts:/1/<run>/artifacts/model`)."
    run_id: Optional[str] = Field(alias="runId", default=None)
    description: Optional[str] = None
    tags: Optional[list["KeyValueInput"]] = None
    idempotency_key: Optional[str] = Field(alias="idempotencyKey", default=None)


class KeyValueInput(BaseModel):
    key: str
    value: str


class MetricSeriesInput(BaseModel):
    """One metric's points: values[i] was logged at steps[i] and timestamps[i]."""

    key: str
    values: list[float]
    steps: Optional[list[int]] = None
    "One per value; every point at step 0 when omitted."
    timestamps: Optional[list[int]] = None
    "Milliseconds since the epoch, one per value; the time of the call when omitted."
    nan_at: Optional[list[int]] = Field(alias="nanAt", default=None)
    "Positions (from 0) of values that are NaN, a diverged loss: JSON has no NaN, so their\nentries in values are placeholders. Infinities are sent as ±1.7976931348623157e308, which\nis how they are stored."


class MetricInput(BaseModel):
    key: str
    value: float
    step: Optional[int] = 0
    timestamp: Optional[str] = None


class CreateRunInput(BaseModel):
    experiment_id: str = Field(alias="experimentId")
    name: Optional[str] = None
    component: Optional[str] = None
    "The component logging the run (toolchain, spotlight, …), kept as the tag `component`."
    tags: Optional[list["KeyValueInput"]] = None
    start_time: Optional[str] = Field(alias="startTime", default=None)
    system: Optional["SystemInfoInput"] = None
    "Runtime, platform, git commit and host, when known (the SDK fills them in)."


class AuditEventFilter(BaseModel):
    actor_id: Optional[str] = Field(alias="actorId", default=None)
    action: Optional[str] = None
    "A part of the action, e.g. `createRun` or `/runs/`."
    outcome: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None


class CreateProjectInput(BaseModel):
    id: str
    "Lowercase letters, digits and dashes, 1–63 characters; also the project's id."
    name: Optional[str] = None


class SetMemberInput(BaseModel):
    user_id: str = Field(alias="userId")
    role: Role


class CreateServiceAccountInput(BaseModel):
    name: str
    description: Optional[str] = None


class CreateApiKeyInput(BaseModel):
    name: str
    service_account_id: Optional[str] = Field(alias="serviceAccountId", default=None)
    "A service account of the project; without one the key acts as the caller."
    role: Role
    "At most the caller's own role."
    scopes: Optional[list[str]] = None
    'Narrows the key further, e.g. ["experiments:write", "storage:read"].'
    expires_at: Optional[str] = Field(alias="expiresAt", default=None)


class ChannelInput(BaseModel):
    name: str
    kind: ChannelKind
    url: Optional[str] = None
    "WEBHOOK and SLACK: where to POST."
    secret: Optional[str] = None
    "WEBHOOK: signs each body by the Standard Webhooks spec (header webhook-signature)."
    to: Optional[list[str]] = None
    "EMAIL: recipients."
    timeout_ms: Optional[int] = Field(alias="timeoutMs", default=None)
    "How long one delivery may take (default services.notifications.timeout_ms)."


class NotificationRuleInput(BaseModel):
    event: NotificationEvent
    channel_ids: list[str] = Field(alias="channelIds")
    subject: Optional[str] = None
    "Templates: `{{field}}` takes a field of the event (ALERT_*: rule, state, severity, summary,\nvalue, labels; WORKFLOW_*: workflow, runId, status, component, error; MODEL_ALIAS_MOVED:\nmodel, alias, version, previousVersion). Defaults per event type otherwise."
    body: Optional[str] = None
    filter_: Optional[Any] = Field(alias="filter", default=None)
    'Only events whose fields equal these, e.g. { workflow: "hockey-detection" } or { severity: "CRITICAL" }.'


class CreateArtifactUploadInput(BaseModel):
    name: str
    "Letters, digits, `_ . -` and `/` between segments; no `..`, no leading `/`, at most 256 characters."
    kind: ArtifactKind
    size: int
    "Bytes the upload will carry."
    sha_256: str = Field(alias="sha256")
    "Hex SHA-256 of the content; checked before the artifact becomes visible."
    content_type: Optional[str] = Field(
        alias="contentType", default="application/octet-stream"
    )
    metadata: Optional[Any] = None
    tags: Optional[list[str]] = None
    component: Optional[str] = None
    run_id: Optional[str] = Field(alias="runId", default=None)
    workflow_run_id: Optional[str] = Field(alias="workflowRunId", default=None)
    derived_from: Optional[list[str]] = Field(alias="derivedFrom", default=None)
    "Ids of artifacts this one was made from."
    part_size: Optional[int] = Field(alias="partSize", default=None)
    "Part size in bytes for multipart uploads (5 MiB to 5 GiB); a default is chosen from the size."
    idempotency_key: Optional[str] = Field(alias="idempotencyKey", default=None)


class ArtifactFilter(BaseModel):
    kind: Optional[ArtifactKind] = None
    name_prefix: Optional[str] = Field(alias="namePrefix", default=None)
    component: Optional[str] = None
    tag: Optional[str] = None
    "Artifacts carrying this tag."
    run_id: Optional[str] = Field(alias="runId", default=None)
    workflow_run_id: Optional[str] = Field(alias="workflowRunId", default=None)
    created_after: Optional[str] = Field(alias="createdAfter", default=None)
    created_before: Optional[str] = Field(alias="createdBefore", default=None)
    include_deleted: Optional[bool] = Field(alias="includeDeleted", default=False)
    "Include soft-deleted artifacts."


class ArtifactOrder(BaseModel):
    field: ArtifactOrderField
    direction: Optional[OrderDirection] = OrderDirection.DESC


class WorkflowDefinitionInput(BaseModel):
    name: str
    description: Optional[str] = None
    input_schema: Optional[Any] = Field(alias="inputSchema", default=None)
    task_queue: Optional[str] = Field(alias="taskQueue", default=None)
    "Default task queue of its activities; defaults to services.workflow.task_queue."
    steps: list["StepInput"]
    output: Optional[Any] = None
    execution_timeout_ms: Optional[int] = Field(
        alias="executionTimeoutMs", default=None
    )


class StepInput(BaseModel):
    id: str
    kind: Optional[StepKind] = StepKind.ACTIVITY
    activity: Optional[str] = None
    task_queue: Optional[str] = Field(alias="taskQueue", default=None)
    duration_ms: Optional[int] = Field(alias="durationMs", default=None)
    signal: Optional[str] = None
    workflow: Optional[str] = None
    depends_on: Optional[list[str]] = Field(alias="dependsOn", default=None)
    input: Optional[Any] = None
    retry: Optional["RetryPolicyInput"] = None
    "Defaults: 1 s initial, coefficient 2, at most 100 s between attempts, 3 attempts."
    start_to_close_timeout_ms: Optional[int] = Field(
        alias="startToCloseTimeoutMs", default=None
    )
    "Defaults to 10 minutes."
    heartbeat_timeout_ms: Optional[int] = Field(
        alias="heartbeatTimeoutMs", default=None
    )


class RetryPolicyInput(BaseModel):
    initial_interval_ms: Optional[int] = Field(alias="initialIntervalMs", default=None)
    backoff_coefficient: Optional[float] = Field(
        alias="backoffCoefficient", default=None
    )
    maximum_interval_ms: Optional[int] = Field(alias="maximumIntervalMs", default=None)
    maximum_attempts: Optional[int] = Field(alias="maximumAttempts", default=None)
    non_retryable_error_types: Optional[list[str]] = Field(
        alias="nonRetryableErrorTypes", default=None
    )


class WorkflowRunFilter(BaseModel):
    workflow: Optional[str] = None
    status: Optional[list[WorkflowRunStatus]] = None
    component: Optional[str] = None
    started_after: Optional[str] = Field(alias="startedAfter", default=None)
    "Runs created at or after this time."
    started_before: Optional[str] = Field(alias="startedBefore", default=None)
    "Runs created before this time."
    schedule_id: Optional[str] = Field(alias="scheduleId", default=None)


class ScheduleTriggerInput(BaseModel):
    kind: TriggerKind
    artifact_name: Optional[str] = Field(alias="artifactName", default=None)
    artifact_kind: Optional[str] = Field(alias="artifactKind", default=None)
    workflow: Optional[str] = None


class ScheduleInput(BaseModel):
    workflow: str
    input: Optional[Any] = None
    component: Optional[str] = None
    cron: Optional[str] = None
    "Five fields (minute hour day month weekday), or six with seconds first."
    timezone: Optional[str] = "UTC"
    "IANA time zone the cron expression is read in."
    overlap: Optional[OverlapPolicy] = OverlapPolicy.SKIP
    trigger: Optional["ScheduleTriggerInput"] = None
    "Instead of cron: start a run when this happens. The run's input gets the event (artifact)."
    paused: Optional[bool] = False
    note: Optional[str] = None


CreateModelVersionInput.model_rebuild()
CreateRunInput.model_rebuild()
WorkflowDefinitionInput.model_rebuild()
StepInput.model_rebuild()
ScheduleInput.model_rebuild()
