from pydantic import Field

from .base_model import BaseModel
from .enums import MetricType


class LogCounter(BaseModel):
    log_counter: "LogCounterLogCounter" = Field(alias="logCounter")


class LogCounterLogCounter(BaseModel):
    name: str
    type_: MetricType = Field(alias="type")
    series_count: int = Field(alias="seriesCount")


LogCounter.model_rebuild()
