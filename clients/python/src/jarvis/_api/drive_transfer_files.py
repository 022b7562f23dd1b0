from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DriveTransferFileFields


class DriveTransferFiles(BaseModel):
    drive_transfer: Optional["DriveTransferFilesDriveTransfer"] = Field(
        alias="driveTransfer"
    )


class DriveTransferFilesDriveTransfer(BaseModel):
    files: list["DriveTransferFilesDriveTransferFiles"]


DriveTransferFilesDriveTransferFiles = DriveTransferFileFields
DriveTransferFiles.model_rebuild()
DriveTransferFilesDriveTransfer.model_rebuild()
