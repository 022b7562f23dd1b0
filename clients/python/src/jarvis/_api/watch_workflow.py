from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import WorkflowRunEventType, WorkflowRunStatus


class WatchWorkflow(BaseModel):
    workflow_run_events: "WatchWorkflowWorkflowRunEvents" = Field(
        alias="workflowRunEvents"
    )


class WatchWorkflowWorkflowRunEvents(BaseModel):
    sequence: int
    type_: WorkflowRunEventType = Field(alias="type")
    step_id: Optional[str] = Field(alias="stepId")
    attempt: Optional[int]
    progress: Optional[float]
    message: Optional[str]
    data: Optional[Any]
    at: str
    run: "WatchWorkflowWorkflowRunEventsRun"


class WatchWorkflowWorkflowRunEventsRun(BaseModel):
    status: WorkflowRunStatus
    progress: float
    result: Optional[Any]
    error: Optional["WatchWorkflowWorkflowRunEventsRunError"]


class WatchWorkflowWorkflowRunEventsRunError(BaseModel):
    type_: str = Field(alias="type")
    message: str


WatchWorkflow.model_rebuild()
WatchWorkflowWorkflowRunEvents.model_rebuild()
WatchWorkflowWorkflowRunEventsRun.model_rebuild()
