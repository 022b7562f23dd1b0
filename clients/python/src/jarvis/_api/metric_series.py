from typing import Any

from pydantic import Field

from .base_model import BaseModel
from .enums import SeriesSource


class MetricSeries(BaseModel):
    metric_series: "MetricSeriesMetricSeries" = Field(alias="metricSeries")


class MetricSeriesMetricSeries(BaseModel):
    source: SeriesSource
    series: list["MetricSeriesMetricSeriesSeries"]


class MetricSeriesMetricSeriesSeries(BaseModel):
    labels: Any
    points: list["MetricSeriesMetricSeriesSeriesPoints"]


class MetricSeriesMetricSeriesSeriesPoints(BaseModel):
    at: str
    value: float


MetricSeries.model_rebuild()
MetricSeriesMetricSeries.model_rebuild()
MetricSeriesMetricSeriesSeries.model_rebuild()
