from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import UploadStatus


class ArtifactUploadStatus(BaseModel):
    artifact_upload: Optional["ArtifactUploadStatusArtifactUpload"] = Field(
        alias="artifactUpload"
    )


class ArtifactUploadStatusArtifactUpload(BaseModel):
    id: str
    status: UploadStatus
    received_parts: list["ArtifactUploadStatusArtifactUploadReceivedParts"] = Field(
        alias="receivedParts"
    )


class ArtifactUploadStatusArtifactUploadReceivedParts(BaseModel):
    part_number: int = Field(alias="partNumber")
    size: int


ArtifactUploadStatus.model_rebuild()
ArtifactUploadStatusArtifactUpload.model_rebuild()
