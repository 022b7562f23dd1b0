"""Users' drives (Google Drive, OneDrive, WebDAV, local folders): finding one by name, and waiting
for an import or export to end while its progress streams in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import websockets

from ._api.exceptions import GraphQLClientError, GraphQLClientGraphQLMultiError
from ._connection import Connection
from .errors import JarvisError, NotFoundError, jarvis_error
from .progress import Progress

ENDED = {"SUCCEEDED", "FAILED", "CANCELLED"}
FILES_PAGE = 500


@dataclass
class DriveTransfer:
    """An import or export as it ended: ``transfer`` (status, counts, error) and every file
    (path, outcome, the artifact it became or came from, why it failed)."""

    transfer: Any
    files: list[Any] = field(default_factory=list)


class DriveTransferError(JarvisError):
    """An import or export that did not move every file: ``result.files`` says which and why."""

    def __init__(self, result: DriveTransfer) -> None:
        t = result.transfer
        message = (
            f"drive transfer {t.id} was cancelled"
            if t.status.value == "CANCELLED"
            else f"drive transfer {t.id} failed: {t.error or 'see its files'}"
        )
        super().__init__(message, {"code": "DRIVE_TRANSFER_" + t.status.value})
        self.result = result


async def resolve_drive(conn: Connection, drive: str) -> str:
    """A drive of the caller's by id or by name, or NotFoundError listing theirs."""
    drives = (await conn.request(lambda api: api.drives())).drives
    for d in drives:
        if d.id == drive:
            return d.id
    for d in drives:
        if d.name.lower() == drive.lower():
            return d.id
    yours = ", ".join(d.name for d in drives) or "none (connect one first)"
    raise NotFoundError(f"no drive {drive!r} of yours in this project; yours: {yours}", {"code": "NOT_FOUND"})


async def await_drive_transfer(conn: Connection, transfer_id: str, progress: Progress) -> DriveTransfer:
    """Waits for a transfer to end, feeding `progress` its bytes as Jarvis streams them; returns
    it with every file. A dropped subscription is taken up again: its first event
    says where the transfer stands, so one that ended meanwhile is still seen to end."""
    wait = 0.25
    started = False
    while True:
        try:
            async for message in conn.api.watch_drive_transfer(id=transfer_id):
                event = message.drive_transfer_events
                wait = 0.25
                if not started and event.bytes_total:
                    progress.start(event.bytes_total)
                    started = True
                if started:
                    progress.set(event.bytes_done)
                kind = event.type_.value
                if kind in ENDED or (kind == "SNAPSHOT" and event.message in ENDED):
                    transfer = (await conn.request(lambda api: api.drive_transfer(id=transfer_id))).drive_transfer
                    if transfer is not None and transfer.status.value in ENDED:
                        progress.close()
                        return DriveTransfer(transfer, await _files(conn, transfer_id))
        except GraphQLClientGraphQLMultiError as error:
            first = error.errors[0]
            raise jarvis_error(first.message, dict(first.extensions or {})) from None
        except (OSError, websockets.exceptions.WebSocketException, GraphQLClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(wait)
        wait = min(wait * 2, 4.0)


async def _files(conn: Connection, transfer_id: str) -> list[Any]:
    files: list[Any] = []
    while True:
        after = files[-1].path if files else None
        page = (await conn.request(lambda api: api.drive_transfer_files(id=transfer_id, after=after))).drive_transfer
        batch = list(page.files if page else [])
        files.extend(batch)
        if len(batch) < FILES_PAGE:
            return files
