from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class Artifact(BaseModel):
    artifact: Optional["ArtifactArtifact"]


class ArtifactArtifact(ArtifactFields):
    download_url: str = Field(alias="downloadUrl")


Artifact.model_rebuild()
