from pydantic import Field

from .base_model import BaseModel
from .enums import WorkflowRunStatus


class StartWorkflow(BaseModel):
    start_workflow: "StartWorkflowStartWorkflow" = Field(alias="startWorkflow")


class StartWorkflowStartWorkflow(BaseModel):
    id: str
    status: WorkflowRunStatus


StartWorkflow.model_rebuild()
