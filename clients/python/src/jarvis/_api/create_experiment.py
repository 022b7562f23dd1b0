from pydantic import Field

from .base_model import BaseModel


class CreateExperiment(BaseModel):
    create_experiment: "CreateExperimentCreateExperiment" = Field(
        alias="createExperiment"
    )


class CreateExperimentCreateExperiment(BaseModel):
    id: str
    name: str


CreateExperiment.model_rebuild()
