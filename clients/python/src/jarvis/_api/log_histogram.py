from pydantic import Field

from .base_model import BaseModel
from .enums import MetricType


class LogHistogram(BaseModel):
    log_histogram: "LogHistogramLogHistogram" = Field(alias="logHistogram")


class LogHistogramLogHistogram(BaseModel):
    name: str
    type_: MetricType = Field(alias="type")
    series_count: int = Field(alias="seriesCount")


LogHistogram.model_rebuild()
