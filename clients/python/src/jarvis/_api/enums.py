from enum import Enum


class MetricType(str, Enum):
    GAUGE = "GAUGE"
    COUNTER = "COUNTER"
    HISTOGRAM = "HISTOGRAM"
    SUMMARY = "SUMMARY"


class MetricSource(str, Enum):
    JARVIS = "JARVIS"
    COMPONENT = "COMPONENT"


class SeriesSource(str, Enum):
    PROMETHEUS = "PROMETHEUS"
    EMBEDDED = "EMBEDDED"


class AlertSeverity(str, Enum):
    INFO = "INFO"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


class ComparisonOperator(str, Enum):
    GT = "GT"
    GE = "GE"
    LT = "LT"
    LE = "LE"
    EQ = "EQ"
    NE = "NE"


class AlertRuleState(str, Enum):
    OK = "OK"
    PENDING = "PENDING"
    FIRING = "FIRING"


class AlertState(str, Enum):
    PENDING = "PENDING"
    FIRING = "FIRING"
    RESOLVED = "RESOLVED"


class DriveProviderKind(str, Enum):
    GOOGLE_DRIVE = "GOOGLE_DRIVE"
    ONEDRIVE = "ONEDRIVE"
    WEBDAV = "WEBDAV"
    LOCAL = "LOCAL"


class DriveStatus(str, Enum):
    CONNECTED = "CONNECTED"
    NEEDS_RECONNECT = "NEEDS_RECONNECT"


class GoogleDocsFormat(str, Enum):
    OFFICE = "OFFICE"
    PDF = "PDF"
    OPEN_DOCUMENT = "OPEN_DOCUMENT"


class DriveTransferDirection(str, Enum):
    IMPORT = "IMPORT"
    EXPORT = "EXPORT"
    SYNC = "SYNC"


class SyncDirection(str, Enum):
    IMPORT = "IMPORT"
    EXPORT = "EXPORT"
    BOTH = "BOTH"


class DriveTransferStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class DriveTransferOutcome(str, Enum):
    MOVED = "MOVED"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"
    DELETED = "DELETED"
    CONFLICT = "CONFLICT"


class DriveTransferEventType(str, Enum):
    SNAPSHOT = "SNAPSHOT"
    STARTED = "STARTED"
    PROGRESS = "PROGRESS"
    FILE_MOVED = "FILE_MOVED"
    FILE_SKIPPED = "FILE_SKIPPED"
    FILE_FAILED = "FILE_FAILED"
    FILE_DELETED = "FILE_DELETED"
    FILE_CONFLICT = "FILE_CONFLICT"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class RunUpdateKind(str, Enum):
    LOGGED = "LOGGED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"
    RESTORED = "RESTORED"


class LifecycleStage(str, Enum):
    ACTIVE = "ACTIVE"
    DELETED = "DELETED"


class RunStatus(str, Enum):
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"


class ViewType(str, Enum):
    ACTIVE_ONLY = "ACTIVE_ONLY"
    DELETED_ONLY = "DELETED_ONLY"
    ALL = "ALL"


class LoggedModelStatus(str, Enum):
    PENDING = "PENDING"
    READY = "READY"
    UPLOAD_FAILED = "UPLOAD_FAILED"


class TraceState(str, Enum):
    OK = "OK"
    ERROR = "ERROR"
    IN_PROGRESS = "IN_PROGRESS"
    STATE_UNSPECIFIED = "STATE_UNSPECIFIED"


class AssessmentKind(str, Enum):
    FEEDBACK = "FEEDBACK"
    EXPECTATION = "EXPECTATION"


class ModelVersionStatus(str, Enum):
    PENDING_REGISTRATION = "PENDING_REGISTRATION"
    FAILED_REGISTRATION = "FAILED_REGISTRATION"
    READY = "READY"


class OptimizationDirection(str, Enum):
    MAX = "MAX"
    MIN = "MIN"


class Role(str, Enum):
    VIEWER = "VIEWER"
    LAUNCHER = "LAUNCHER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"
    OWNER = "OWNER"


class PrincipalKind(str, Enum):
    USER = "USER"
    SERVICE_ACCOUNT = "SERVICE_ACCOUNT"


class ChannelKind(str, Enum):
    WEBHOOK = "WEBHOOK"
    SLACK = "SLACK"
    EMAIL = "EMAIL"
    MLFLOW_WEBHOOK = "MLFLOW_WEBHOOK"


class NotificationEvent(str, Enum):
    ALERT_FIRING = "ALERT_FIRING"
    ALERT_RESOLVED = "ALERT_RESOLVED"
    WORKFLOW_COMPLETED = "WORKFLOW_COMPLETED"
    WORKFLOW_FAILED = "WORKFLOW_FAILED"
    MODEL_ALIAS_MOVED = "MODEL_ALIAS_MOVED"
    MODEL_REGISTRY = "MODEL_REGISTRY"
    TEST = "TEST"


class NotificationStatus(str, Enum):
    PENDING = "PENDING"
    DELIVERING = "DELIVERING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class HealthStatus(str, Enum):
    UP = "UP"
    DOWN = "DOWN"


class HealthKind(str, Enum):
    SERVICE = "SERVICE"
    BACKEND = "BACKEND"


class ArtifactKind(str, Enum):
    MODEL = "MODEL"
    DATASET = "DATASET"
    LOG = "LOG"
    REPORT = "REPORT"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


class LineageDirection(str, Enum):
    UP = "UP"
    DOWN = "DOWN"
    BOTH = "BOTH"


class UploadStatus(str, Enum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    ABORTED = "ABORTED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


class ArtifactOrderField(str, Enum):
    CREATED_AT = "CREATED_AT"
    NAME = "NAME"
    SIZE = "SIZE"


class OrderDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class StepKind(str, Enum):
    ACTIVITY = "ACTIVITY"
    TIMER = "TIMER"
    SIGNAL = "SIGNAL"
    CHILD_WORKFLOW = "CHILD_WORKFLOW"


class WorkflowRunStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TERMINATED = "TERMINATED"
    TIMED_OUT = "TIMED_OUT"


class WorkflowRunKind(str, Enum):
    PIPELINE = "PIPELINE"
    EXTERNAL = "EXTERNAL"


class StepRunStatus(str, Enum):
    PENDING = "PENDING"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    RETRYING = "RETRYING"
    WAITING = "WAITING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class WorkflowRunEventType(str, Enum):
    RUN_STARTED = "RUN_STARTED"
    STEP_STARTED = "STEP_STARTED"
    STEP_PROGRESS = "STEP_PROGRESS"
    STEP_RETRYING = "STEP_RETRYING"
    STEP_COMPLETED = "STEP_COMPLETED"
    STEP_FAILED = "STEP_FAILED"
    STEP_CANCELLED = "STEP_CANCELLED"
    RUN_COMPLETED = "RUN_COMPLETED"
    RUN_FAILED = "RUN_FAILED"
    RUN_CANCELLED = "RUN_CANCELLED"
    RUN_TERMINATED = "RUN_TERMINATED"
    RUN_TIMED_OUT = "RUN_TIMED_OUT"
    LOG = "LOG"


class OverlapPolicy(str, Enum):
    SKIP = "SKIP"
    BUFFER_ONE = "BUFFER_ONE"
    ALLOW_ALL = "ALLOW_ALL"


class TriggerKind(str, Enum):
    ARTIFACT_CREATED = "ARTIFACT_CREATED"
    WORKFLOW_COMPLETED = "WORKFLOW_COMPLETED"
