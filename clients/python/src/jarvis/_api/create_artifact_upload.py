from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import UploadStatus
from .fragments import ArtifactFields


class CreateArtifactUpload(BaseModel):
    create_artifact_upload: "CreateArtifactUploadCreateArtifactUpload" = Field(
        alias="createArtifactUpload"
    )


class CreateArtifactUploadCreateArtifactUpload(BaseModel):
    id: str
    status: UploadStatus
    part_size: int = Field(alias="partSize")
    presigned: bool
    expires_at: str = Field(alias="expiresAt")
    parts: list["CreateArtifactUploadCreateArtifactUploadParts"]
    received_parts: list["CreateArtifactUploadCreateArtifactUploadReceivedParts"] = (
        Field(alias="receivedParts")
    )
    artifact: Optional["CreateArtifactUploadCreateArtifactUploadArtifact"]


class CreateArtifactUploadCreateArtifactUploadParts(BaseModel):
    part_number: int = Field(alias="partNumber")
    url: str
    size: int


class CreateArtifactUploadCreateArtifactUploadReceivedParts(BaseModel):
    part_number: int = Field(alias="partNumber")
    size: int


CreateArtifactUploadCreateArtifactUploadArtifact = ArtifactFields
CreateArtifactUpload.model_rebuild()
CreateArtifactUploadCreateArtifactUpload.model_rebuild()
