"""A workflow run's events, from its first, each once and in order, ending after the run's final
event; after a dropped connection it subscribes again from the last sequence it gave out, so
nothing is lost or repeated across a reconnect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import websockets

from ._api.exceptions import GraphQLClientError, GraphQLClientGraphQLMultiError
from ._connection import Connection
from .errors import JarvisError, jarvis_error, network_error

TERMINAL = {"RUN_COMPLETED", "RUN_FAILED", "RUN_CANCELLED", "RUN_TERMINATED", "RUN_TIMED_OUT"}


async def watch_workflow(conn: Connection, run_id: str, reconnect_for: float = 120.0) -> AsyncIterator[Any]:
    seen = 0
    last_contact = time.monotonic()
    wait = 0.25
    while True:
        try:
            async for message in conn.api.watch_workflow(id=run_id, after=seen):
                event = message.workflow_run_events
                last_contact = time.monotonic()
                wait = 0.25
                if event.sequence <= seen:
                    continue
                seen = event.sequence
                yield event
                if event.type_.value in TERMINAL:
                    return
            # The server ended the stream before the run's last event (a restart): resubscribe.
            if time.monotonic() - last_contact > reconnect_for:
                raise network_error(f"the events of workflow run {run_id} stopped before the run ended")
        except GraphQLClientGraphQLMultiError as error:
            first = error.errors[0]
            raise jarvis_error(first.message, dict(first.extensions or {})) from None
        except (OSError, websockets.exceptions.WebSocketException, GraphQLClientError, asyncio.TimeoutError) as error:
            if time.monotonic() - last_contact > reconnect_for:
                raise network_error(f"lost the events of workflow run {run_id}: {error!r}") from None
        except JarvisError:
            raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, 4.0)
