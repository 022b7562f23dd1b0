from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import ArtifactKind


class ArtifactFields(BaseModel):
    id: str
    name: str
    version: int
    kind: ArtifactKind
    size: int
    sha_256: str = Field(alias="sha256")
    content_type: str = Field(alias="contentType")
    metadata: Any
    tags: list[str]
    component: Optional[str]
    run_id: Optional[str] = Field(alias="runId")
    workflow_run_id: Optional[str] = Field(alias="workflowRunId")
    aliases: list[str]
    created_at: str = Field(alias="createdAt")


ArtifactFields.model_rebuild()
