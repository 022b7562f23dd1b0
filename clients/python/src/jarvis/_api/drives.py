from .base_model import BaseModel
from .enums import DriveProviderKind, DriveStatus


class Drives(BaseModel):
    drives: list["DrivesDrives"]


class DrivesDrives(BaseModel):
    id: str
    name: str
    provider: DriveProviderKind
    status: DriveStatus


Drives.model_rebuild()
