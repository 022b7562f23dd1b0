from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import DriveTransferEventType


class WatchDriveTransfer(BaseModel):
    drive_transfer_events: "WatchDriveTransferDriveTransferEvents" = Field(
        alias="driveTransferEvents"
    )


class WatchDriveTransferDriveTransferEvents(BaseModel):
    type_: DriveTransferEventType = Field(alias="type")
    path: Optional[str]
    files_done: int = Field(alias="filesDone")
    files_total: int = Field(alias="filesTotal")
    bytes_done: int = Field(alias="bytesDone")
    bytes_total: int = Field(alias="bytesTotal")
    message: Optional[str]


WatchDriveTransfer.model_rebuild()
