from pydantic import Field

from .base_model import BaseModel


class ImportFromDrive(BaseModel):
    import_from_drive: "ImportFromDriveImportFromDrive" = Field(alias="importFromDrive")


class ImportFromDriveImportFromDrive(BaseModel):
    id: str


ImportFromDrive.model_rebuild()
