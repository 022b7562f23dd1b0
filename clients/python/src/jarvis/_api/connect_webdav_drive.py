from pydantic import Field

from .base_model import BaseModel
from .enums import DriveProviderKind, DriveStatus


class ConnectWebdavDrive(BaseModel):
    connect_webdav_drive: "ConnectWebdavDriveConnectWebdavDrive" = Field(
        alias="connectWebdavDrive"
    )


class ConnectWebdavDriveConnectWebdavDrive(BaseModel):
    id: str
    name: str
    provider: DriveProviderKind
    status: DriveStatus
    location: str


ConnectWebdavDrive.model_rebuild()
