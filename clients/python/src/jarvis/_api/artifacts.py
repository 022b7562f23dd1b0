from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class Artifacts(BaseModel):
    artifacts: "ArtifactsArtifacts"


class ArtifactsArtifacts(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "ArtifactsArtifactsPageInfo" = Field(alias="pageInfo")
    edges: list["ArtifactsArtifactsEdges"]


class ArtifactsArtifactsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class ArtifactsArtifactsEdges(BaseModel):
    node: "ArtifactsArtifactsEdgesNode"


ArtifactsArtifactsEdgesNode = ArtifactFields
Artifacts.model_rebuild()
ArtifactsArtifacts.model_rebuild()
ArtifactsArtifactsEdges.model_rebuild()
