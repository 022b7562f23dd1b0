from typing import Optional

from .base_model import BaseModel
from .enums import RunStatus


class RunDetails(BaseModel):
    run: Optional["RunDetailsRun"]


class RunDetailsRun(BaseModel):
    id: str
    name: str
    status: RunStatus
    experiment: "RunDetailsRunExperiment"
    metrics: list["RunDetailsRunMetrics"]
    params: list["RunDetailsRunParams"]
    tags: list["RunDetailsRunTags"]


class RunDetailsRunExperiment(BaseModel):
    id: str
    name: str


class RunDetailsRunMetrics(BaseModel):
    key: str
    value: Optional[float]
    step: int


class RunDetailsRunParams(BaseModel):
    key: str
    value: str


class RunDetailsRunTags(BaseModel):
    key: str
    value: str


RunDetails.model_rebuild()
RunDetailsRun.model_rebuild()
