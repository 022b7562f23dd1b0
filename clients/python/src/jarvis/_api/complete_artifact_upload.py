from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class CompleteArtifactUpload(BaseModel):
    complete_artifact_upload: "CompleteArtifactUploadCompleteArtifactUpload" = Field(
        alias="completeArtifactUpload"
    )


CompleteArtifactUploadCompleteArtifactUpload = ArtifactFields
CompleteArtifactUpload.model_rebuild()
