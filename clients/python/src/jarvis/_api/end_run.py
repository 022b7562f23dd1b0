from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import RunStatus


class EndRun(BaseModel):
    update_run: "EndRunUpdateRun" = Field(alias="updateRun")


class EndRunUpdateRun(BaseModel):
    id: str
    status: RunStatus
    end_time: Optional[str] = Field(alias="endTime")


EndRun.model_rebuild()
