from pydantic import Field

from .base_model import BaseModel
from .fragments import ArtifactFields


class StoreSmallArtifact(BaseModel):
    store_small_artifact: "StoreSmallArtifactStoreSmallArtifact" = Field(
        alias="storeSmallArtifact"
    )


StoreSmallArtifactStoreSmallArtifact = ArtifactFields
StoreSmallArtifact.model_rebuild()
