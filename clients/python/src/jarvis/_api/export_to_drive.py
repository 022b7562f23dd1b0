from pydantic import Field

from .base_model import BaseModel


class ExportToDrive(BaseModel):
    export_to_drive: "ExportToDriveExportToDrive" = Field(alias="exportToDrive")


class ExportToDriveExportToDrive(BaseModel):
    id: str


ExportToDrive.model_rebuild()
