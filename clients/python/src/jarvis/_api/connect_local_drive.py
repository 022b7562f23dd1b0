from pydantic import Field

from .base_model import BaseModel
from .enums import DriveProviderKind, DriveStatus


class ConnectLocalDrive(BaseModel):
    connect_local_drive: "ConnectLocalDriveConnectLocalDrive" = Field(
        alias="connectLocalDrive"
    )


class ConnectLocalDriveConnectLocalDrive(BaseModel):
    id: str
    name: str
    provider: DriveProviderKind
    status: DriveStatus
    location: str


ConnectLocalDrive.model_rebuild()
