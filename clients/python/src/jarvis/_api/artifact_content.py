from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class ArtifactContent(BaseModel):
    artifact: Optional["ArtifactContentArtifact"]


class ArtifactContentArtifact(ArtifactFields):
    content_path: str = Field(alias="contentPath")


ArtifactContent.model_rebuild()
