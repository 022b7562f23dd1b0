from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import StepRunStatus, WorkflowRunStatus


class WorkflowStatus(BaseModel):
    workflow_run: Optional["WorkflowStatusWorkflowRun"] = Field(alias="workflowRun")


class WorkflowStatusWorkflowRun(BaseModel):
    id: str
    workflow_name: str = Field(alias="workflowName")
    status: WorkflowRunStatus
    progress: float
    message: Optional[str]
    result: Optional[Any]
    error: Optional["WorkflowStatusWorkflowRunError"]
    steps: list["WorkflowStatusWorkflowRunSteps"]


class WorkflowStatusWorkflowRunError(BaseModel):
    type_: str = Field(alias="type")
    message: str


class WorkflowStatusWorkflowRunSteps(BaseModel):
    step_id: str = Field(alias="stepId")
    status: StepRunStatus
    attempt: int
    progress: float
    message: Optional[str]
    output: Optional[Any]
    error: Optional["WorkflowStatusWorkflowRunStepsError"]


class WorkflowStatusWorkflowRunStepsError(BaseModel):
    type_: str = Field(alias="type")
    message: str


WorkflowStatus.model_rebuild()
WorkflowStatusWorkflowRun.model_rebuild()
WorkflowStatusWorkflowRunSteps.model_rebuild()
