from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class CreateModelVersion(BaseModel):
    create_model_version: "CreateModelVersionCreateModelVersion" = Field(
        alias="createModelVersion"
    )


class CreateModelVersionCreateModelVersion(BaseModel):
    name: str
    version: int
    source: str
    run_id: Optional[str] = Field(alias="runId")
    artifact_id: Optional[str] = Field(alias="artifactId")
    aliases: list[str]


CreateModelVersion.model_rebuild()
