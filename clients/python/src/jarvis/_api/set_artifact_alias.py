from pydantic import Field

from .base_model import BaseModel


class SetArtifactAlias(BaseModel):
    set_artifact_alias: "SetArtifactAliasSetArtifactAlias" = Field(
        alias="setArtifactAlias"
    )


class SetArtifactAliasSetArtifactAlias(BaseModel):
    alias: str
    version: int


SetArtifactAlias.model_rebuild()
