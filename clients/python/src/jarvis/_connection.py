"""The HTTP and WebSocket connection to one Jarvis: the generated client, Jarvis's own routes
(uploads, downloads), and the mapping of every failure to a typed exception."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from ._api.client import Client
from ._api.exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .errors import JarvisError, jarvis_error, network_error

T = TypeVar("T")


class Connection:
    def __init__(self, url: str, api_key: str | None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
        self.http = httpx.AsyncClient(
            headers=self.headers, timeout=httpx.Timeout(timeout, connect=10.0), limits=limits
        )
        # Presigned S3 URLs carry their own signature: no Authorization header may go with them.
        self.bare = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0), limits=limits)
        ws_url = ("ws" + self.url[4:] if self.url.startswith("http") else self.url) + "/graphql"
        self.api = Client(
            url=f"{self.url}/graphql",
            headers=self.headers,
            http_client=self.http,
            ws_url=ws_url,
            ws_connection_init_payload=dict(self.headers) or None,
        )

    async def request(self, call: Callable[[Client], Awaitable[T]]) -> T:
        """One GraphQL operation; its errors as typed exceptions."""
        try:
            return await call(self.api)
        except GraphQLClientGraphQLMultiError as error:
            first = error.errors[0]
            raise jarvis_error(first.message, dict(first.extensions or {})) from None
        except GraphQLClientHttpError as error:
            raise _http_error(error.response) from None
        except GraphQLClientInvalidResponseError as error:
            raise _http_error(error.response) from None
        except (httpx.TransportError, OSError) as error:
            raise network_error(f"could not reach Jarvis at {self.url}: {error!r}") from None

    def route_url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.url}{path}"

    def client_for(self, url: str) -> httpx.AsyncClient:
        """Jarvis's own routes go with credentials; another origin's (presigned S3) without."""
        return self.http if url.startswith(self.url + "/") else self.bare

    async def close(self) -> None:
        await self.http.aclose()
        await self.bare.aclose()


def _http_error(response: Any) -> JarvisError:
    try:
        body = response.json()
    except Exception:
        body = {}
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        return jarvis_error(errors[0].get("message", "request refused"), errors[0].get("extensions") or {})
    status = getattr(response, "status_code", 0)
    code = "BACKEND_UNAVAILABLE" if status >= 500 else "BAD_USER_INPUT"
    return jarvis_error(f"Jarvis answered HTTP {status}", {"code": code})


async def retry_transient(
    attempt: Callable[[], Awaitable[T]], attempts: int = 8, base_delay: float = 0.25
) -> T:
    """Tries again while Jarvis or a backend is unreachable, with exponential backoff and jitter."""
    for n in range(attempts):
        try:
            return await attempt()
        except JarvisError as error:
            if not error.transient or n == attempts - 1:
                raise
        await asyncio.sleep(min(8.0, base_delay * 2**n) * (0.5 + random.random() / 2))
    raise AssertionError("unreachable")
