from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class ArtifactContentByName(BaseModel):
    artifact_by_name: Optional["ArtifactContentByNameArtifactByName"] = Field(
        alias="artifactByName"
    )


class ArtifactContentByNameArtifactByName(ArtifactFields):
    content_path: str = Field(alias="contentPath")


ArtifactContentByName.model_rebuild()
