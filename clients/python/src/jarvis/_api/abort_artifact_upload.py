from pydantic import Field

from .base_model import BaseModel


class AbortArtifactUpload(BaseModel):
    abort_artifact_upload: bool = Field(alias="abortArtifactUpload")
