from pydantic import Field

from .base_model import BaseModel
from .enums import RunStatus


class CreateRun(BaseModel):
    create_run: "CreateRunCreateRun" = Field(alias="createRun")


class CreateRunCreateRun(BaseModel):
    id: str
    name: str
    status: RunStatus


CreateRun.model_rebuild()
