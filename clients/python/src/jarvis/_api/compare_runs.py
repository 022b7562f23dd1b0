from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import RunStatus


class CompareRuns(BaseModel):
    compare_runs: "CompareRunsCompareRuns" = Field(alias="compareRuns")


class CompareRunsCompareRuns(BaseModel):
    runs: list["CompareRunsCompareRunsRuns"]
    params: list["CompareRunsCompareRunsParams"]
    metrics: list["CompareRunsCompareRunsMetrics"]


class CompareRunsCompareRunsRuns(BaseModel):
    id: str
    name: str
    status: RunStatus
    metrics: list["CompareRunsCompareRunsRunsMetrics"]
    params: list["CompareRunsCompareRunsRunsParams"]


class CompareRunsCompareRunsRunsMetrics(BaseModel):
    key: str
    value: Optional[float]
    step: int


class CompareRunsCompareRunsRunsParams(BaseModel):
    key: str
    value: str


class CompareRunsCompareRunsParams(BaseModel):
    key: str
    values: list[Optional[str]]


class CompareRunsCompareRunsMetrics(BaseModel):
    key: str
    values: list[Optional[float]]


CompareRuns.model_rebuild()
CompareRunsCompareRuns.model_rebuild()
CompareRunsCompareRunsRuns.model_rebuild()
