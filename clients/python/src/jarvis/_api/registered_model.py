from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class RegisteredModel(BaseModel):
    registered_model: Optional["RegisteredModelRegisteredModel"] = Field(
        alias="registeredModel"
    )


class RegisteredModelRegisteredModel(BaseModel):
    name: str
    aliases: list["RegisteredModelRegisteredModelAliases"]
    latest_version: Optional["RegisteredModelRegisteredModelLatestVersion"] = Field(
        alias="latestVersion"
    )


class RegisteredModelRegisteredModelAliases(BaseModel):
    alias: str
    version: int


class RegisteredModelRegisteredModelLatestVersion(BaseModel):
    version: int


RegisteredModel.model_rebuild()
RegisteredModelRegisteredModel.model_rebuild()
