from pydantic import Field

from .base_model import BaseModel


class SetModelAlias(BaseModel):
    set_model_alias: "SetModelAliasSetModelAlias" = Field(alias="setModelAlias")


class SetModelAliasSetModelAlias(BaseModel):
    name: str
    version: int
    aliases: list[str]


SetModelAlias.model_rebuild()
