"""Uploads and downloads of artifacts, streamed from and to files with flat memory: a file's
sha256 first (Jarvis checks it before the artifact is visible), parts in parallel, resumed from
what Jarvis already holds; downloads hashed as they are written and kept only when they match."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx

from ._api.enums import ArtifactKind
from ._api.input_types import CreateArtifactUploadInput
from ._connection import Connection, retry_transient
from .errors import BadUserInputError, ChecksumMismatchError, JarvisError, NotFoundError, jarvis_error, network_error
from .progress import Progress

CHUNK = 1024 * 1024
INLINE_MAX = 256 * 1024
PARALLEL_PARTS = 4
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def file_digest(path: str | os.PathLike[str]) -> tuple[int, str]:
    """Size and sha256 of a file, read in 8 MiB chunks (hashlib releases the GIL on them)."""
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256") if hasattr(hashlib, "file_digest") else _digest(f)
    return os.path.getsize(path), digest.hexdigest()


def _digest(f: Any) -> Any:
    digest = hashlib.sha256()
    while chunk := f.read(8 * CHUNK):
        digest.update(chunk)
    return digest


def _read_range(path: str, start: int, length: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(length)
    if len(data) != length:
        raise BadUserInputError(f"{path} changed while it was being uploaded", {"code": "BAD_USER_INPUT"})
    return data


async def upload_file(
    conn: Connection,
    path: str | os.PathLike[str],
    *,
    name: str,
    kind: str = "OTHER",
    content_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    component: str | None = None,
    run_id: str | None = None,
    workflow_run_id: str | None = None,
    derived_from: list[str] | None = None,
    progress: Progress,
) -> Any:
    """Stores a file as the next version of `name`; an interrupted upload of the same file resumes."""
    path = os.fspath(path)
    size, sha256 = await asyncio.to_thread(file_digest, path)
    fields = dict(
        name=name,
        kind=ArtifactKind(kind),
        size=size,
        sha256=sha256,
        content_type=content_type or "application/octet-stream",
        metadata=metadata,
        tags=tags,
        component=component,
        run_id=run_id,
        workflow_run_id=workflow_run_id,
        derived_from=derived_from,
    )
    key = f"sdk-upload:{name}:{size}:{sha256}"
    progress.start(size)
    if size <= INLINE_MAX:
        content = base64.b64encode(Path(path).read_bytes()).decode()
        stored = await retry_transient(
            lambda: conn.request(
                lambda api: api.store_small_artifact(
                    input=CreateArtifactUploadInput(**fields, idempotency_key=key), content_base_64=content
                )
            )
        )
        progress.update(size)
        return stored.store_small_artifact

    upload = (
        await retry_transient(
            lambda: conn.request(
                lambda api: api.create_artifact_upload(input=CreateArtifactUploadInput(**fields, idempotency_key=key))
            )
        )
    ).create_artifact_upload
    if upload.artifact is not None:
        progress.update(size)
        return upload.artifact
    if upload.status.value != "PENDING":
        # An earlier try under this key was aborted or expired: start afresh.
        fresh = f"{key}:{time.time_ns()}"
        upload = (
            await retry_transient(
                lambda: conn.request(
                    lambda api: api.create_artifact_upload(
                        input=CreateArtifactUploadInput(**fields, idempotency_key=fresh)
                    )
                )
            )
        ).create_artifact_upload
    have = {p.part_number for p in upload.received_parts}
    progress.update(sum(p.size for p in upload.received_parts))
    await _send_parts(conn, upload, path, have, progress)
    try:
        done = await retry_transient(lambda: conn.request(lambda api: api.complete_artifact_upload(upload_id=upload.id)))
    except BadUserInputError as error:
        # A part lost on the way (a proxy that answered 200 and dropped it): send it again, once.
        missing = error.extensions.get("missingParts")
        if not missing:
            raise
        await _send_parts(conn, upload, path, {p.part_number for p in upload.parts} - set(missing), progress)
        done = await conn.request(lambda api: api.complete_artifact_upload(upload_id=upload.id))
    return done.complete_artifact_upload


async def _send_parts(conn: Connection, upload: Any, path: str, have: set[int], progress: Progress) -> None:
    queue = [p for p in upload.parts if p.part_number not in have]

    async def send(part: Any) -> None:
        url = conn.route_url(part.url)
        client = conn.client_for(url)
        start = (part.part_number - 1) * upload.part_size
        # One part in memory at a time per lane (PARALLEL_PARTS x the part size in all): the
        # bytes go out in one write, far faster than a stream of small reads.
        data = await asyncio.to_thread(_read_range, path, start, part.size)
        for attempt in range(5):
            try:
                response = await client.put(url, content=data)
                if response.status_code < 300:
                    progress.update(part.size)
                    return
                if response.status_code < 500:
                    raise _route_error(response, f"part {part.part_number} of {upload.id}")
            except (httpx.TransportError, OSError) as error:
                if attempt == 4:
                    raise network_error(f"sending part {part.part_number}: {error!r}") from None
            await asyncio.sleep(0.25 * 2**attempt)
        raise network_error(f"part {part.part_number} of upload {upload.id} kept failing")

    async def lane() -> None:
        while queue:
            await send(queue.pop(0))

    await asyncio.gather(*(lane() for _ in range(min(PARALLEL_PARTS, len(queue)))))


def _route_error(response: httpx.Response, what: str) -> JarvisError:
    try:
        body = response.json()
    except Exception:
        body = {}
    message = body.get("error") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    if not code:
        code = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 413: "LIMIT_EXCEEDED"}.get(
            response.status_code, "BACKEND_UNAVAILABLE" if response.status_code >= 500 else "BAD_USER_INPUT"
        )
    return jarvis_error(f"{what}: {message or f'HTTP {response.status_code}'}", {"code": code})


async def locate(conn: Connection, ref: str) -> Any:
    """An artifact by id, `name` (latest), `name@alias` or `name@3` / `name@v3`."""
    if UUID.match(ref):
        found = (await conn.request(lambda api: api.artifact_content(id=ref))).artifact
        if found is None:
            raise NotFoundError(f"no artifact {ref}", {"code": "NOT_FOUND"})
        return found
    name, _, selector = ref.rpartition("@") if "@" in ref else (ref, "", "")
    version = int(selector.lstrip("v")) if re.fullmatch(r"v?\d+", selector) else None
    alias = selector if selector and version is None else None
    found = (
        await conn.request(lambda api: api.artifact_content_by_name(name=name, version=version, alias=alias))
    ).artifact_by_name
    if found is None:
        what = "alias" if alias else "version" if version is not None else "name"
        raise NotFoundError(f"no artifact {ref}: check the {what}", {"code": "NOT_FOUND"})
    return found


async def download_file(conn: Connection, ref: str, local_path: str | os.PathLike[str], progress: Progress) -> tuple[Any, str]:
    """Downloads to `local_path` (a file, or a folder to put it in); the file appears only once its
    sha256 matches. A cut-off download resumes from the bytes already received."""
    artifact = await locate(conn, ref)
    target = Path(local_path)
    if target.is_dir() or os.fspath(local_path).endswith(("/", os.sep)):
        target = target / Path(artifact.name).name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".jarvis-part")
    url = conn.route_url(artifact.content_path)
    progress.start(artifact.size)
    for attempt in range(6):
        have = partial.stat().st_size if partial.exists() else 0
        if have > artifact.size:
            partial.unlink()
            have = 0
        progress.set(have)
        headers = {"range": f"bytes={have}-"} if 0 < have < artifact.size else {}
        try:
            if have < artifact.size or artifact.size == 0:
                async with conn.http.stream("GET", url, headers=headers) as response:
                    if response.status_code not in (200, 206):
                        await response.aread()
                        raise _route_error(response, f"downloading {artifact.name} v{artifact.version}")
                    mode = "ab" if response.status_code == 206 else "wb"
                    with open(partial, mode) as out:
                        async for chunk in response.aiter_bytes(CHUNK):
                            await asyncio.to_thread(out.write, chunk)
                            progress.update(len(chunk))
            break
        except (httpx.TransportError, OSError) as error:
            if attempt == 5:
                raise network_error(f"downloading {artifact.name}: {error!r}") from None
            await asyncio.sleep(0.25 * 2**attempt)
    size, sha256 = await asyncio.to_thread(file_digest, partial)
    if sha256 != artifact.sha_256 or size != artifact.size:
        partial.unlink(missing_ok=True)
        raise ChecksumMismatchError(
            f"{artifact.name} v{artifact.version}: received {size} bytes with sha256 {sha256}, "
            f"expected {artifact.size} with {artifact.sha_256}; nothing was kept, download again",
            {"code": "CHECKSUM_MISMATCH", "expected": artifact.sha_256, "received": sha256},
        )
    os.replace(partial, target)
    return artifact, os.fspath(target)


__all__ = ["upload_file", "download_file", "locate", "file_digest"]
