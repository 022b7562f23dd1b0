from pydantic import Field

from .base_model import BaseModel


class LogMetrics(BaseModel):
    log_metrics: "LogMetricsLogMetrics" = Field(alias="logMetrics")


class LogMetricsLogMetrics(BaseModel):
    points: int


LogMetrics.model_rebuild()
