from pydantic import Field

from .base_model import BaseModel


class CreateSharedFolder(BaseModel):
    create_shared_folder: "CreateSharedFolderCreateSharedFolder" = Field(
        alias="createSharedFolder"
    )


class CreateSharedFolderCreateSharedFolder(BaseModel):
    url: str
    shared_with: list[str] = Field(alias="sharedWith")
    anyone_with_link: bool = Field(alias="anyoneWithLink")


CreateSharedFolder.model_rebuild()
