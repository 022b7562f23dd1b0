"""Jarvis's GraphQL errors as exceptions: ``code`` is the error's ``extensions.code``, and the
class says the same, so ``except NotFoundError:`` reads as what happened (as in the TypeScript SDK).
"""

from __future__ import annotations

from typing import Any


class JarvisError(Exception):
    """An error from Jarvis (or from reaching it), with its code and extensions."""

    def __init__(self, message: str, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = dict(extensions or {})
        code = self.extensions.get("code")
        self.code: str = code if isinstance(code, str) else "INTERNAL_SERVER_ERROR"

    @property
    def transient(self) -> bool:
        """True when trying again later can succeed: Jarvis or a backend was unreachable."""
        return self.code in ("BACKEND_UNAVAILABLE", "NETWORK_ERROR")


class BadUserInputError(JarvisError):
    """``BAD_USER_INPUT``: the input is wrong; ``extensions`` names the place."""


class NotFoundError(JarvisError):
    """``NOT_FOUND``: no such thing in this project (or the caller may not see it)."""


class ConflictError(JarvisError):
    """``CONFLICT``: the thing's state does not allow this (a finished run, a completed upload, …)."""


class UnauthenticatedError(JarvisError):
    """``UNAUTHENTICATED``: no credentials, or an API key that is unknown, expired or revoked."""


class ForbiddenError(JarvisError):
    """``FORBIDDEN``: the caller's role does not allow it."""


class LimitExceededError(JarvisError):
    """``LIMIT_EXCEEDED``: an operation or body limit; ``extensions`` says which."""


class BackendUnavailableError(JarvisError):
    """``BACKEND_UNAVAILABLE``: an engine behind Jarvis is down; retrying later can succeed."""


class JarvisNetworkError(JarvisError):
    """``NETWORK_ERROR``: Jarvis could not be reached, or the connection broke mid-answer."""


class ChecksumMismatchError(JarvisError):
    """``CHECKSUM_MISMATCH``: bytes read back do not have the artifact's sha256; nothing was kept."""


class InternalServerError(JarvisError):
    """``INTERNAL_SERVER_ERROR``: a bug in Jarvis; its log has the request id."""


_BY_CODE: dict[str, type[JarvisError]] = {
    "BAD_USER_INPUT": BadUserInputError,
    "GRAPHQL_VALIDATION_FAILED": BadUserInputError,
    "GRAPHQL_PARSE_FAILED": BadUserInputError,
    "NOT_FOUND": NotFoundError,
    "CONFLICT": ConflictError,
    "UNAUTHENTICATED": UnauthenticatedError,
    "FORBIDDEN": ForbiddenError,
    "LIMIT_EXCEEDED": LimitExceededError,
    "BACKEND_UNAVAILABLE": BackendUnavailableError,
    "NETWORK_ERROR": JarvisNetworkError,
    "CHECKSUM_MISMATCH": ChecksumMismatchError,
}


def jarvis_error(message: str, extensions: dict[str, Any] | None = None) -> JarvisError:
    """The typed exception for a GraphQL error's message and extensions."""
    code = (extensions or {}).get("code")
    return _BY_CODE.get(code if isinstance(code, str) else "", InternalServerError)(message, extensions)


def network_error(message: str) -> JarvisNetworkError:
    return JarvisNetworkError(message, {"code": "NETWORK_ERROR"})
