from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class ExperimentByName(BaseModel):
    experiment_by_name: Optional["ExperimentByNameExperimentByName"] = Field(
        alias="experimentByName"
    )


class ExperimentByNameExperimentByName(BaseModel):
    id: str
    name: str


ExperimentByName.model_rebuild()
