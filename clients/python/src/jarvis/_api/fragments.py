from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import (
    ArtifactKind,
    DriveTransferDirection,
    DriveTransferOutcome,
    DriveTransferStatus,
)


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


class DriveTransferFields(BaseModel):
    id: str
    status: DriveTransferStatus
    direction: DriveTransferDirection
    files_total: int = Field(alias="filesTotal")
    files_done: int = Field(alias="filesDone")
    files_skipped: int = Field(alias="filesSkipped")
    files_failed: int = Field(alias="filesFailed")
    bytes_total: int = Field(alias="bytesTotal")
    bytes_done: int = Field(alias="bytesDone")
    error: Optional[str]


class DriveTransferFileFields(BaseModel):
    path: str
    outcome: DriveTransferOutcome
    size: int
    error_code: Optional[str] = Field(alias="errorCode")
    error: Optional[str]
    artifact: Optional["DriveTransferFileFieldsArtifact"]


class DriveTransferFileFieldsArtifact(ArtifactFields):
    pass


ArtifactFields.model_rebuild()
DriveTransferFields.model_rebuild()
DriveTransferFileFields.model_rebuild()
