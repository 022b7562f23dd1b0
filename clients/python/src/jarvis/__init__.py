"""Jarvis Core's Python SDK: ``TSAIComponent`` for ML components (artifacts, runs, models,
pipelines, analytics, users' drives), typed errors, and the generated GraphQL client underneath (``jarvis._api``)."""

from .component import AsyncTSAIComponent, TSAIComponent
from .drives import DriveTransfer, DriveTransferError
from .errors import (
    BackendUnavailableError,
    BadUserInputError,
    ChecksumMismatchError,
    ConflictError,
    ForbiddenError,
    InternalServerError,
    JarvisError,
    JarvisNetworkError,
    LimitExceededError,
    NotFoundError,
    UnauthenticatedError,
)
from .run import AsyncRun, Run
from .system_info import system_info
from .worker import ActivityCancelled, ActivityContext, Worker

__version__ = "0.1.0"

__all__ = [
    "ActivityCancelled",
    "ActivityContext",
    "AsyncRun",
    "AsyncTSAIComponent",
    "BackendUnavailableError",
    "BadUserInputError",
    "ChecksumMismatchError",
    "ConflictError",
    "DriveTransfer",
    "DriveTransferError",
    "ForbiddenError",
    "InternalServerError",
    "JarvisError",
    "JarvisNetworkError",
    "LimitExceededError",
    "NotFoundError",
    "Run",
    "TSAIComponent",
    "UnauthenticatedError",
    "Worker",
    "system_info",
]
