from pydantic import Field

from .base_model import BaseModel


class CreateRegisteredModel(BaseModel):
    create_registered_model: "CreateRegisteredModelCreateRegisteredModel" = Field(
        alias="createRegisteredModel"
    )


class CreateRegisteredModelCreateRegisteredModel(BaseModel):
    name: str


CreateRegisteredModel.model_rebuild()
