from pydantic import Field

from .base_model import BaseModel


class RegisterWorkflow(BaseModel):
    register_workflow: "RegisterWorkflowRegisterWorkflow" = Field(
        alias="registerWorkflow"
    )


class RegisterWorkflowRegisterWorkflow(BaseModel):
    name: str
    version: int


RegisterWorkflow.model_rebuild()
