from pydantic import Field

from .base_model import BaseModel
from .enums import WorkflowRunStatus


class CancelWorkflow(BaseModel):
    cancel_workflow_run: "CancelWorkflowCancelWorkflowRun" = Field(
        alias="cancelWorkflowRun"
    )


class CancelWorkflowCancelWorkflowRun(BaseModel):
    id: str
    status: WorkflowRunStatus


CancelWorkflow.model_rebuild()
