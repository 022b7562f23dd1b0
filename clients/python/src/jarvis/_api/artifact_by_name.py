from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class ArtifactByName(BaseModel):
    artifact_by_name: Optional["ArtifactByNameArtifactByName"] = Field(
        alias="artifactByName"
    )


class ArtifactByNameArtifactByName(ArtifactFields):
    download_url: str = Field(alias="downloadUrl")


ArtifactByName.model_rebuild()
