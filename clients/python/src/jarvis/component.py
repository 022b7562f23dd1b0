"""``TSAIComponent``: what an ML component (a training pipeline, a vision job, an agent, a
notebook) does with Jarvis, with the seed's method names: store and fetch artifacts and models,
log runs, register models, start and watch pipelines, and log analytics metrics.

``AsyncTSAIComponent`` is the same for asyncio code; ``TSAIComponent`` runs it on a loop of its
own, so scripts and notebooks call it plainly."""

from __future__ import annotations

import asyncio
import atexit
import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._api.enums import ArtifactKind, OptimizationDirection
from ._api.input_types import (
    ArtifactFilter,
    DriveFileFilter,
    CreateModelVersionInput,
    CreateRunInput,
    KeyValueInput,
    SystemInfoInput,
    WorkflowDefinitionInput,
)
from ._connection import Connection
from ._loop import LoopThread
from .drives import DriveTransfer, DriveTransferError, await_drive_transfer, resolve_drive
from .errors import ConflictError, NotFoundError
from .progress import OnProgress, Progress
from .run import AsyncRun, Run, key_values
from .storage import download_file, locate, upload_file
from .system_info import system_info
from .workflows import watch_workflow


class AsyncTSAIComponent:
    """One component's connection to Jarvis, for asyncio code. Close it (or ``async with``)."""

    def __init__(self, name: str, url: str | None = None, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.name = name
        self.url = (url or os.environ.get("JARVIS_URL") or "http://127.0.0.1:4000").rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("JARVIS_API_KEY")
        self._conn = Connection(self.url, self.api_key, timeout)

    @classmethod
    def from_env(cls, name: str) -> AsyncTSAIComponent:
        """``JARVIS_URL`` (default http://127.0.0.1:4000, what ``jarvis dev`` serves) and ``JARVIS_API_KEY``."""
        return cls(name)

    # Storage

    async def store_artifact(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        kind: str = "OTHER",
        alias: str | None = None,
        content_type: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        run_id: str | None = None,
        workflow_run_id: str | None = None,
        derived_from: list[str] | None = None,
        on_progress: OnProgress | None = None,
        progress_bar: bool = True,
    ) -> Any:
        """Stores a file as the next version of an artifact (named after the file unless ``name``
        is given): resumable, sha256 checked by Jarvis, progress shown; returns the version stored."""
        progress = Progress(on_progress, progress_bar, f"upload {Path(path).name}")
        try:
            artifact = await upload_file(
                self._conn,
                path,
                name=name or Path(path).name,
                kind=kind,
                content_type=content_type,
                metadata=metadata,
                tags=tags,
                component=self.name,
                run_id=run_id,
                workflow_run_id=workflow_run_id,
                derived_from=derived_from,
                progress=progress,
            )
        finally:
            progress.close()
        if alias:
            await self._conn.request(
                lambda api: api.set_artifact_alias(name=artifact.name, alias=alias, version=artifact.version)
            )
            artifact = artifact.model_copy(update={"aliases": sorted({*artifact.aliases, alias})})
        return artifact

    async def store_model(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Stores a model file (kind MODEL); pass ``run_id`` to link it to the run that trained it."""
        return await self.store_artifact(path, kind="MODEL", **options)

    async def retrieve_artifact(
        self,
        ref: str,
        local_path: str | os.PathLike[str],
        *,
        on_progress: OnProgress | None = None,
        progress_bar: bool = True,
    ) -> str:
        """Downloads an artifact (by id, ``name``, ``name@alias`` or ``name@3``) to a file or into
        a folder, its sha256 checked; returns the path written."""
        progress = Progress(on_progress, progress_bar, f"download {ref}")
        try:
            return (await download_file(self._conn, ref, local_path, progress))[1]
        finally:
            progress.close()

    async def list_artifacts(self, limit: int = 1_000, **filter: Any) -> list[Any]:
        """Artifacts matching the filter (kind, name_prefix, tag, run_id, …), newest first, up to ``limit``."""
        found: list[Any] = []
        after: str | None = None
        while True:
            page = (
                await self._conn.request(
                    lambda api: api.artifacts(
                        filter_=ArtifactFilter(**filter), first=min(100, limit - len(found)), after=after
                    )
                )
            ).artifacts
            found.extend(edge.node for edge in page.edges)
            if not page.page_info.has_next_page or len(found) >= limit:
                return found
            after = page.page_info.end_cursor

    # Drives (the seed's client storage)

    async def drives(self) -> list[Any]:
        """The caller's drives in this project."""
        return list((await self._conn.request(lambda api: api.drives())).drives)

    async def connect_local_drive(self, name: str, path: str) -> Any:
        """Connects a folder Jarvis can read (under services.drives.local_roots), e.g. iCloud Drive's."""
        return (await self._conn.request(lambda api: api.connect_local_drive(name=name, path=path))).connect_local_drive

    async def connect_webdav_drive(self, name: str, url: str, username: str, password: str) -> Any:
        """Connects a WebDAV share (Nextcloud, ownCloud, Box); the password is kept encrypted."""
        return (
            await self._conn.request(
                lambda api: api.connect_webdav_drive(name=name, url=url, username=username, password=password)
            )
        ).connect_webdav_drive

    async def import_user_media(
        self,
        drive: str,
        folder: str | list[str],
        *,
        types: list[str] | None = None,
        max_size: int | None = None,
        prefix: str | None = None,
        idempotency_key: str | None = None,
        on_progress: OnProgress | None = None,
        progress_bar: bool = True,
    ) -> list[Any]:
        """Brings a user's media in from their drive (by name or id): every file under `folder`
        (or each of several paths) of the given `types` (``video``, ``image/png``, ``.csv``)
        becomes a versioned artifact named ``<prefix>/<path>`` (``drives/<drive name>/…`` by
        default), with its source in metadata. Unchanged files imported before are not fetched
        again. Returns the artifacts; raises DriveTransferError when a file could not come in
        (the others stay imported)."""
        drive_id = await resolve_drive(self._conn, drive)
        started = await self._conn.request(
            lambda api: api.import_from_drive(
                drive_id=drive_id,
                paths=folder if isinstance(folder, list) else [folder],
                filter_=DriveFileFilter(types=types, maxSize=max_size),
                prefix=prefix,
                idempotency_key=idempotency_key,
            )
        )
        result = await self._finished(started.import_from_drive.id, on_progress, progress_bar, "import")
        return [f.artifact for f in result.files if f.artifact is not None]

    async def export_results(
        self,
        results: list[Any],
        drive: str,
        *,
        folder: str,
        share: bool | dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        on_progress: OnProgress | None = None,
        progress_bar: bool = True,
    ) -> dict[str, Any]:
        """Puts results back on the user's drive: local files (stored first, under
        ``<component>/results/``) and artifacts (objects, ids, ``name``, ``name@alias``), into
        `folder`, created if missing. ``share=True`` shares the folder with anyone who has the
        link; ``share={"with": ["coach@example.com"], "anyone_with_link": False}`` with people
        (Google Drive and OneDrive). Returns ``{"files": [...], "share_url": ..., "transfer": ...}``."""
        drive_id = await resolve_drive(self._conn, drive)
        artifact_ids: list[str] = []
        for result in results:
            if not isinstance(result, (str, os.PathLike)):
                artifact_ids.append(result.id)
            elif Path(result).is_file():
                stored = await self.store_artifact(result, name=f"{self.name}/results/{Path(result).name}", progress_bar=False)
                artifact_ids.append(stored.id)
            else:
                artifact_ids.append((await locate(self._conn, str(result))).id)
        started = await self._conn.request(
            lambda api: api.export_to_drive(
                artifact_ids=artifact_ids, drive_id=drive_id, folder=folder, idempotency_key=idempotency_key
            )
        )
        transfer = await self._finished(started.export_to_drive.id, on_progress, progress_bar, "export")
        answer: dict[str, Any] = {
            "files": [{"path": f.path, "artifact": f.artifact} for f in transfer.files if f.artifact is not None],
            "share_url": None,
            "transfer": transfer.transfer,
        }
        if share:
            options = {"anyone_with_link": True} if share is True else dict(share)
            shared = await self._conn.request(
                lambda api: api.create_shared_folder(
                    drive_id=drive_id,
                    name=folder,
                    share_with=list(options.get("with", [])),
                    anyone_with_link=bool(options.get("anyone_with_link", False)),
                )
            )
            answer["share_url"] = shared.create_shared_folder.url
        return answer

    async def _finished(self, transfer_id: str, on_progress: OnProgress | None, bar: bool, label: str) -> DriveTransfer:
        result = await await_drive_transfer(self._conn, transfer_id, Progress(on_progress, bar, f"{self.name} {label}"))
        if result.transfer.status.value != "SUCCEEDED":
            raise DriveTransferError(result)
        return result

    # Experiments

    async def _experiment(self, name: str) -> str:
        found = (await self._conn.request(lambda api: api.experiment_by_name(name=name))).experiment_by_name
        if found is not None:
            return found.id
        try:
            return (await self._conn.request(lambda api: api.create_experiment(name=name))).create_experiment.id
        except ConflictError:
            # Another component created it between the two calls.
            again = (await self._conn.request(lambda api: api.experiment_by_name(name=name))).experiment_by_name
            if again is None:
                raise
            return again.id

    async def start_experiment(
        self,
        experiment: str,
        params: dict[str, Any] | None = None,
        *,
        run_name: str | None = None,
        tags: dict[str, str] | None = None,
        flush_interval: float = 1.0,
    ) -> AsyncRun:
        """Starts a run of the experiment (created if needed) with its params, recording where it
        runs (Python, platform, git commit, host); log to the run, ``async with`` ends it."""
        experiment_id = await self._experiment(experiment)
        info = system_info()
        created = (
            await self._conn.request(
                lambda api: api.create_run(
                    input=CreateRunInput(
                        experiment_id=experiment_id,
                        name=run_name,
                        component=self.name,
                        tags=key_values(tags or {}),
                        system=SystemInfoInput(**info),
                    )
                )
            )
        ).create_run
        run = AsyncRun(self._conn, asyncio.get_running_loop(), created, experiment_id, flush_interval)
        if params:
            await run.log_params(params)
        return run

    async def get_best_model(self, experiment: str, metric: str, direction: str = "MAX") -> dict[str, Any] | None:
        """The experiment's best run by a metric's latest value, with the newest model it stored."""
        experiment_id = await self._experiment(experiment)
        best = (
            await self._conn.request(
                lambda api: api.best_run(
                    experiment_id=experiment_id, metric=metric, direction=OptimizationDirection(direction)
                )
            )
        ).best_run
        if best is None:
            return None
        value = next((m.value for m in best.metrics if m.key == metric), None)
        models = best.artifacts.edges
        return {"run": best, "value": value, "artifact": models[0].node if models else None}

    async def compare_experiments(self, run_ids: list[str]) -> Any:
        """The params and latest metrics that differ between runs."""
        return (await self._conn.request(lambda api: api.compare_runs(ids=run_ids))).compare_runs

    async def register_model(
        self,
        name: str,
        artifact_id: str,
        *,
        run_id: str | None = None,
        alias: str | None = None,
        description: str | None = None,
    ) -> Any:
        """Registers a stored model as the next version of ``name`` (created if needed), optionally
        moving an alias (``production``) to it."""
        found = (await self._conn.request(lambda api: api.registered_model(name=name))).registered_model
        if found is None:
            try:
                await self._conn.request(lambda api: api.create_registered_model(name=name))
            except ConflictError:
                pass
        version = (
            await self._conn.request(
                lambda api: api.create_model_version(
                    input=CreateModelVersionInput(
                        name=name, artifact_id=artifact_id, run_id=run_id, description=description
                    )
                )
            )
        ).create_model_version
        if alias:
            moved = (
                await self._conn.request(lambda api: api.set_model_alias(name=name, alias=alias, version=version.version))
            ).set_model_alias
            return moved
        return version

    # Analytics (the seed's log_metric): Prometheus metrics on Jarvis's /metrics, labelled with the component.

    async def log_metric(self, name: str, value: float, labels: dict[str, Any] | None = None, help: str | None = None) -> None:
        """Sets a gauge, e.g. ``log_metric("rink_ice_temperature_celsius", -4.5, {"rink": "north"})``."""
        await self._conn.request(
            lambda api: api.log_gauge(name=name, value=value, labels=labels or {}, help=help, component=self.name)
        )

    async def log_counter(self, name: str, value: float = 1, labels: dict[str, Any] | None = None, help: str | None = None) -> None:
        await self._conn.request(
            lambda api: api.log_counter(name=name, value=value, labels=labels or {}, help=help, component=self.name)
        )

    async def log_histogram(
        self,
        name: str,
        value: float,
        labels: dict[str, Any] | None = None,
        help: str | None = None,
        buckets: list[float] | None = None,
    ) -> None:
        await self._conn.request(
            lambda api: api.log_histogram(
                name=name, value=value, labels=labels or {}, help=help, component=self.name, buckets=buckets
            )
        )

    # Workflows

    async def register_workflow(self, definition: dict[str, Any]) -> Any:
        """Registers (or updates, as a new version) a pipeline: ``{"name", "taskQueue", "steps": [...], "output"}``."""
        return (
            await self._conn.request(
                lambda api: api.register_workflow(definition=WorkflowDefinitionInput.model_validate(definition))
            )
        ).register_workflow

    async def start_workflow(
        self, workflow: str, input: Any = None, *, idempotency_key: str | None = None, run: Any = None
    ) -> Any:
        """Starts a pipeline; ``run`` (a run or its id) links the pipeline's metrics to an experiment run."""
        run_id = run if isinstance(run, str) or run is None else run.id
        return (
            await self._conn.request(
                lambda api: api.start_workflow(
                    workflow=workflow,
                    input=input if input is not None else {},
                    component=self.name,
                    idempotency_key=idempotency_key,
                    experiment_run_id=run_id,
                )
            )
        ).start_workflow

    async def get_workflow_status(self, run_id: str) -> Any:
        """The run's status, progress, steps, result or error."""
        found = (await self._conn.request(lambda api: api.workflow_status(id=run_id))).workflow_run
        if found is None:
            raise NotFoundError(f"no workflow run {run_id}", {"code": "NOT_FOUND"})
        return found

    async def cancel_workflow(self, run_id: str) -> Any:
        return (await self._conn.request(lambda api: api.cancel_workflow(id=run_id))).cancel_workflow_run

    def watch_workflow(self, run_id: str, reconnect_for: float = 120.0) -> Any:
        """The run's events as they happen, from its first to its last, across reconnects."""
        return watch_workflow(self._conn, run_id, reconnect_for)

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> AsyncTSAIComponent:
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.close()


_open_runs: weakref.WeakSet[Run] = weakref.WeakSet()


@atexit.register
def _flush_open_runs() -> None:
    """A script that forgets to end its runs still gets their last metrics out before it exits."""
    for run in list(_open_runs):
        if not run.ended:
            try:
                run.flush()
            except Exception:
                pass


class TSAIComponent:
    """One component's connection to Jarvis, for plain (synchronous) Python: scripts, notebooks,
    training loops. The same methods as ``AsyncTSAIComponent``, each returning its answer."""

    def __init__(self, name: str, url: str | None = None, api_key: str | None = None, timeout: float = 60.0) -> None:
        self._loop = LoopThread()
        self._async: AsyncTSAIComponent = self._loop.run(_make(name, url, api_key, timeout))
        self.name = name
        self.url = self._async.url

    @classmethod
    def from_env(cls, name: str) -> TSAIComponent:
        """``JARVIS_URL`` (default http://127.0.0.1:4000, what ``jarvis dev`` serves) and ``JARVIS_API_KEY``."""
        return cls(name)

    def _run(self, coroutine: Any) -> Any:
        return self._loop.run(coroutine)

    def store_artifact(self, path: str | os.PathLike[str], **options: Any) -> Any:
        return self._run(self._async.store_artifact(path, **options))

    def store_model(self, path: str | os.PathLike[str], **options: Any) -> Any:
        return self._run(self._async.store_model(path, **options))

    def retrieve_artifact(self, ref: str, local_path: str | os.PathLike[str], **options: Any) -> str:
        return self._run(self._async.retrieve_artifact(ref, local_path, **options))

    def list_artifacts(self, limit: int = 1_000, **filter: Any) -> list[Any]:
        return self._run(self._async.list_artifacts(limit, **filter))

    def drives(self) -> list[Any]:
        return self._run(self._async.drives())

    def connect_local_drive(self, name: str, path: str) -> Any:
        return self._run(self._async.connect_local_drive(name, path))

    def connect_webdav_drive(self, name: str, url: str, username: str, password: str) -> Any:
        return self._run(self._async.connect_webdav_drive(name, url, username, password))

    def import_user_media(self, drive: str, folder: str | list[str], **options: Any) -> list[Any]:
        return self._run(self._async.import_user_media(drive, folder, **options))

    def export_results(self, results: list[Any], drive: str, **options: Any) -> dict[str, Any]:
        return self._run(self._async.export_results(results, drive, **options))

    def start_experiment(self, experiment: str, params: dict[str, Any] | None = None, **options: Any) -> Run:
        """Starts a run; ``with component.start_experiment("resnet", {"lr": 0.01}) as run:`` ends
        it FINISHED (FAILED on an exception), its metrics flushed."""
        run = Run(self._run(self._async.start_experiment(experiment, params, **options)), self._run)
        _open_runs.add(run)
        return run

    def get_best_model(self, experiment: str, metric: str, direction: str = "MAX") -> dict[str, Any] | None:
        return self._run(self._async.get_best_model(experiment, metric, direction))

    def compare_experiments(self, run_ids: list[str]) -> Any:
        return self._run(self._async.compare_experiments(run_ids))

    def register_model(self, name: str, artifact_id: str, **options: Any) -> Any:
        return self._run(self._async.register_model(name, artifact_id, **options))

    def log_metric(self, name: str, value: float, labels: dict[str, Any] | None = None, help: str | None = None) -> None:
        self._run(self._async.log_metric(name, value, labels, help))

    def log_counter(self, name: str, value: float = 1, labels: dict[str, Any] | None = None, help: str | None = None) -> None:
        self._run(self._async.log_counter(name, value, labels, help))

    def log_histogram(self, name: str, value: float, labels: dict[str, Any] | None = None, **options: Any) -> None:
        self._run(self._async.log_histogram(name, value, labels, **options))

    def register_workflow(self, definition: dict[str, Any]) -> Any:
        return self._run(self._async.register_workflow(definition))

    def start_workflow(self, workflow: str, input: Any = None, **options: Any) -> Any:
        return self._run(self._async.start_workflow(workflow, input, **options))

    def get_workflow_status(self, run_id: str) -> Any:
        return self._run(self._async.get_workflow_status(run_id))

    def cancel_workflow(self, run_id: str) -> Any:
        return self._run(self._async.cancel_workflow(run_id))

    def watch_workflow(self, run_id: str, reconnect_for: float = 120.0) -> Iterator[Any]:
        """The run's events as they happen (an iterator), from its first to its last, across reconnects."""
        events = self._async.watch_workflow(run_id, reconnect_for)
        try:
            while True:
                try:
                    yield self._run(events.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            self._run(events.aclose())

    def close(self) -> None:
        for run in list(_open_runs):
            if not run.ended:
                run.flush()
        self._run(self._async.close())
        self._loop.close()

    def __enter__(self) -> TSAIComponent:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


async def _make(name: str, url: str | None, api_key: str | None, timeout: float) -> AsyncTSAIComponent:
    # Built on the loop it will run on: its HTTP client belongs to that loop.
    return AsyncTSAIComponent(name, url, api_key, timeout)


__all__ = ["AsyncTSAIComponent", "TSAIComponent", "ArtifactKind", "KeyValueInput"]
