from pydantic import Field

from .base_model import BaseModel
from .enums import MetricType


class LogGauge(BaseModel):
    log_gauge: "LogGaugeLogGauge" = Field(alias="logGauge")


class LogGaugeLogGauge(BaseModel):
    name: str
    type_: MetricType = Field(alias="type")
    series_count: int = Field(alias="seriesCount")


LogGauge.model_rebuild()
