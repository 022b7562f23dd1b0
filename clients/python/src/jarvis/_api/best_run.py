from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class BestRun(BaseModel):
    best_run: Optional["BestRunBestRun"] = Field(alias="bestRun")


class BestRunBestRun(BaseModel):
    id: str
    name: str
    metrics: list["BestRunBestRunMetrics"]
    model_versions: list["BestRunBestRunModelVersions"] = Field(alias="modelVersions")
    artifacts: "BestRunBestRunArtifacts"


class BestRunBestRunMetrics(BaseModel):
    key: str
    value: Optional[float]
    step: int


class BestRunBestRunModelVersions(BaseModel):
    name: str
    version: int
    aliases: list[str]


class BestRunBestRunArtifacts(BaseModel):
    edges: list["BestRunBestRunArtifactsEdges"]


class BestRunBestRunArtifactsEdges(BaseModel):
    node: "BestRunBestRunArtifactsEdgesNode"


BestRunBestRunArtifactsEdgesNode = ArtifactFields
BestRun.model_rebuild()
BestRunBestRun.model_rebuild()
BestRunBestRunArtifacts.model_rebuild()
BestRunBestRunArtifactsEdges.model_rebuild()
