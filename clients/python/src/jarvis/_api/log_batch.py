from pydantic import Field

from .base_model import BaseModel


class LogBatch(BaseModel):
    log_batch: "LogBatchLogBatch" = Field(alias="logBatch")


class LogBatchLogBatch(BaseModel):
    id: str


LogBatch.model_rebuild()
