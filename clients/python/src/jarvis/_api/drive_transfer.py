from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DriveTransferFields


class DriveTransfer(BaseModel):
    drive_transfer: Optional["DriveTransferDriveTransfer"] = Field(
        alias="driveTransfer"
    )


DriveTransferDriveTransfer = DriveTransferFields
DriveTransfer.model_rebuild()
