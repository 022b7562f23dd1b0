from collections.abc import AsyncIterator
from typing import Any, Optional, Union

from .abort_artifact_upload import AbortArtifactUpload
from .artifact import Artifact
from .artifact_by_name import ArtifactByName
from .artifact_content import ArtifactContent
from .artifact_content_by_name import ArtifactContentByName
from .artifact_upload_status import ArtifactUploadStatus
from .artifacts import Artifacts
from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .best_run import BestRun
from .cancel_workflow import CancelWorkflow
from .compare_runs import CompareRuns
from .complete_artifact_upload import CompleteArtifactUpload
from .connect_local_drive import ConnectLocalDrive
from .connect_webdav_drive import ConnectWebdavDrive
from .create_artifact_upload import CreateArtifactUpload
from .create_experiment import CreateExperiment
from .create_model_version import CreateModelVersion
from .create_registered_model import CreateRegisteredModel
from .create_run import CreateRun
from .create_shared_folder import CreateSharedFolder
from .drive_transfer import DriveTransfer
from .drive_transfer_files import DriveTransferFiles
from .drives import Drives
from .end_run import EndRun
from .enums import OptimizationDirection, RunStatus
from .experiment_by_name import ExperimentByName
from .export_to_drive import ExportToDrive
from .import_from_drive import ImportFromDrive
from .input_types import (
    ArtifactFilter,
    CreateArtifactUploadInput,
    CreateModelVersionInput,
    CreateRunInput,
    DriveFileFilter,
    KeyValueInput,
    MetricInput,
    MetricSeriesInput,
    WorkflowDefinitionInput,
)
from .log_batch import LogBatch
from .log_counter import LogCounter
from .log_gauge import LogGauge
from .log_histogram import LogHistogram
from .log_metrics import LogMetrics
from .metric_series import MetricSeries
from .register_workflow import RegisterWorkflow
from .registered_model import RegisteredModel
from .run_details import RunDetails
from .set_artifact_alias import SetArtifactAlias
from .set_model_alias import SetModelAlias
from .start_workflow import StartWorkflow
from .store_small_artifact import StoreSmallArtifact
from .watch_drive_transfer import WatchDriveTransfer
from .watch_workflow import WatchWorkflow
from .workflow_status import WorkflowStatus


def gql(q: str) -> str:
    return q


class Client(AsyncBaseClient):
    async def log_gauge(
        self,
        name: str,
        value: float,
        labels: Union[Optional[Any], UnsetType] = UNSET,
        help: Union[Optional[str], UnsetType] = UNSET,
        component: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> LogGauge:
        query = gql("""
            mutation LogGauge($name: String!, $value: Float!, $labels: JSON, $help: String, $component: String) {
              logGauge(
                name: $name
                value: $value
                labels: $labels
                help: $help
                component: $component
              ) {
                name
                type
                seriesCount
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "value": value,
            "labels": labels,
            "help": help,
            "component": component,
        }
        response = await self.execute(
            query=query, operation_name="LogGauge", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LogGauge.model_validate(data)

    async def log_counter(
        self,
        name: str,
        value: Union[Optional[float], UnsetType] = UNSET,
        labels: Union[Optional[Any], UnsetType] = UNSET,
        help: Union[Optional[str], UnsetType] = UNSET,
        component: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> LogCounter:
        query = gql("""
            mutation LogCounter($name: String!, $value: Float, $labels: JSON, $help: String, $component: String) {
              logCounter(
                name: $name
                value: $value
                labels: $labels
                help: $help
                component: $component
              ) {
                name
                type
                seriesCount
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "value": value,
            "labels": labels,
            "help": help,
            "component": component,
        }
        response = await self.execute(
            query=query, operation_name="LogCounter", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LogCounter.model_validate(data)

    async def log_histogram(
        self,
        name: str,
        value: float,
        labels: Union[Optional[Any], UnsetType] = UNSET,
        help: Union[Optional[str], UnsetType] = UNSET,
        component: Union[Optional[str], UnsetType] = UNSET,
        buckets: Union[Optional[list[float]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> LogHistogram:
        query = gql("""
            mutation LogHistogram($name: String!, $value: Float!, $labels: JSON, $help: String, $component: String, $buckets: [Float!]) {
              logHistogram(
                name: $name
                value: $value
                labels: $labels
                help: $help
                component: $component
                buckets: $buckets
              ) {
                name
                type
                seriesCount
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "value": value,
            "labels": labels,
            "help": help,
            "component": component,
            "buckets": buckets,
        }
        response = await self.execute(
            query=query, operation_name="LogHistogram", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LogHistogram.model_validate(data)

    async def metric_series(
        self,
        query: str,
        start: str,
        end: str,
        step: Union[Optional[int], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> MetricSeries:
        _query = gql("""
            query MetricSeries($query: String!, $start: DateTime!, $end: DateTime!, $step: Int) {
              metricSeries(query: $query, start: $start, end: $end, step: $step) {
                source
                series {
                  labels
                  points {
                    at
                    value
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "query": query,
            "start": start,
            "end": end,
            "step": step,
        }
        response = await self.execute(
            query=_query, operation_name="MetricSeries", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return MetricSeries.model_validate(data)

    async def drives(self, **kwargs: Any) -> Drives:
        query = gql("""
            query Drives {
              drives {
                id
                name
                provider
                status
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="Drives", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Drives.model_validate(data)

    async def drive_transfer_files(
        self, id: str, after: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> DriveTransferFiles:
        query = gql("""
            query DriveTransferFiles($id: ID!, $after: String) {
              driveTransfer(id: $id) {
                files(first: 500, after: $after) {
                  ...DriveTransferFileFields
                }
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }

            fragment DriveTransferFileFields on DriveTransferFile {
              path
              outcome
              size
              errorCode
              error
              artifact {
                ...ArtifactFields
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "after": after}
        response = await self.execute(
            query=query,
            operation_name="DriveTransferFiles",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return DriveTransferFiles.model_validate(data)

    async def import_from_drive(
        self,
        drive_id: str,
        paths: list[str],
        filter_: Union[Optional[DriveFileFilter], UnsetType] = UNSET,
        prefix: Union[Optional[str], UnsetType] = UNSET,
        idempotency_key: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ImportFromDrive:
        query = gql("""
            mutation ImportFromDrive($driveId: ID!, $paths: [String!]!, $filter: DriveFileFilter, $prefix: String, $idempotencyKey: String) {
              importFromDrive(
                driveId: $driveId
                paths: $paths
                filter: $filter
                prefix: $prefix
                idempotencyKey: $idempotencyKey
              ) {
                id
              }
            }
            """)
        variables: dict[str, object] = {
            "driveId": drive_id,
            "paths": paths,
            "filter": filter_,
            "prefix": prefix,
            "idempotencyKey": idempotency_key,
        }
        response = await self.execute(
            query=query, operation_name="ImportFromDrive", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ImportFromDrive.model_validate(data)

    async def export_to_drive(
        self,
        artifact_ids: list[str],
        drive_id: str,
        folder: str,
        idempotency_key: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ExportToDrive:
        query = gql("""
            mutation ExportToDrive($artifactIds: [ID!]!, $driveId: ID!, $folder: String!, $idempotencyKey: String) {
              exportToDrive(
                artifactIds: $artifactIds
                driveId: $driveId
                folder: $folder
                idempotencyKey: $idempotencyKey
              ) {
                id
              }
            }
            """)
        variables: dict[str, object] = {
            "artifactIds": artifact_ids,
            "driveId": drive_id,
            "folder": folder,
            "idempotencyKey": idempotency_key,
        }
        response = await self.execute(
            query=query, operation_name="ExportToDrive", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ExportToDrive.model_validate(data)

    async def create_shared_folder(
        self,
        drive_id: str,
        name: str,
        share_with: Union[Optional[list[str]], UnsetType] = UNSET,
        anyone_with_link: Union[Optional[bool], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CreateSharedFolder:
        query = gql("""
            mutation CreateSharedFolder($driveId: ID!, $name: String!, $shareWith: [String!], $anyoneWithLink: Boolean) {
              createSharedFolder(
                driveId: $driveId
                name: $name
                shareWith: $shareWith
                anyoneWithLink: $anyoneWithLink
              ) {
                url
                sharedWith
                anyoneWithLink
              }
            }
            """)
        variables: dict[str, object] = {
            "driveId": drive_id,
            "name": name,
            "shareWith": share_with,
            "anyoneWithLink": anyone_with_link,
        }
        response = await self.execute(
            query=query,
            operation_name="CreateSharedFolder",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateSharedFolder.model_validate(data)

    async def drive_transfer(self, id: str, **kwargs: Any) -> DriveTransfer:
        query = gql("""
            query DriveTransfer($id: ID!) {
              driveTransfer(id: $id) {
                ...DriveTransferFields
              }
            }

            fragment DriveTransferFields on DriveTransfer {
              id
              status
              direction
              filesTotal
              filesDone
              filesSkipped
              filesFailed
              bytesTotal
              bytesDone
              error
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="DriveTransfer", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DriveTransfer.model_validate(data)

    async def watch_drive_transfer(
        self, id: str, **kwargs: Any
    ) -> AsyncIterator[WatchDriveTransfer]:
        query = gql("""
            subscription WatchDriveTransfer($id: ID!) {
              driveTransferEvents(transferId: $id) {
                type
                path
                filesDone
                filesTotal
                bytesDone
                bytesTotal
                message
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        async for data in self.execute_ws(
            query=query,
            operation_name="WatchDriveTransfer",
            variables=variables,
            **kwargs,
        ):
            yield WatchDriveTransfer.model_validate(data)

    async def connect_local_drive(
        self, name: str, path: str, **kwargs: Any
    ) -> ConnectLocalDrive:
        query = gql("""
            mutation ConnectLocalDrive($name: String!, $path: String!) {
              connectLocalDrive(name: $name, path: $path) {
                id
                name
                provider
                status
                location
              }
            }
            """)
        variables: dict[str, object] = {"name": name, "path": path}
        response = await self.execute(
            query=query,
            operation_name="ConnectLocalDrive",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ConnectLocalDrive.model_validate(data)

    async def connect_webdav_drive(
        self, name: str, url: str, username: str, password: str, **kwargs: Any
    ) -> ConnectWebdavDrive:
        query = gql("""
            mutation ConnectWebdavDrive($name: String!, $url: String!, $username: String!, $password: String!) {
              connectWebdavDrive(
                name: $name
                url: $url
                username: $username
                password: $password
              ) {
                id
                name
                provider
                status
                location
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "url": url,
            "username": username,
            "password": password,
        }
        response = await self.execute(
            query=query,
            operation_name="ConnectWebdavDrive",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ConnectWebdavDrive.model_validate(data)

    async def experiment_by_name(self, name: str, **kwargs: Any) -> ExperimentByName:
        query = gql("""
            query ExperimentByName($name: String!) {
              experimentByName(name: $name) {
                id
                name
              }
            }
            """)
        variables: dict[str, object] = {"name": name}
        response = await self.execute(
            query=query,
            operation_name="ExperimentByName",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ExperimentByName.model_validate(data)

    async def create_experiment(
        self,
        name: str,
        tags: Union[Optional[list[KeyValueInput]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CreateExperiment:
        query = gql("""
            mutation CreateExperiment($name: String!, $tags: [KeyValueInput!]) {
              createExperiment(name: $name, tags: $tags) {
                id
                name
              }
            }
            """)
        variables: dict[str, object] = {"name": name, "tags": tags}
        response = await self.execute(
            query=query,
            operation_name="CreateExperiment",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateExperiment.model_validate(data)

    async def create_run(self, input: CreateRunInput, **kwargs: Any) -> CreateRun:
        query = gql("""
            mutation CreateRun($input: CreateRunInput!) {
              createRun(input: $input) {
                id
                name
                status
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="CreateRun", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CreateRun.model_validate(data)

    async def log_batch(
        self,
        run_id: str,
        metrics: Union[Optional[list[MetricInput]], UnsetType] = UNSET,
        params: Union[Optional[list[KeyValueInput]], UnsetType] = UNSET,
        tags: Union[Optional[list[KeyValueInput]], UnsetType] = UNSET,
        idempotency_key: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> LogBatch:
        query = gql("""
            mutation LogBatch($runId: ID!, $metrics: [MetricInput!], $params: [KeyValueInput!], $tags: [KeyValueInput!], $idempotencyKey: String) {
              logBatch(
                runId: $runId
                metrics: $metrics
                params: $params
                tags: $tags
                idempotencyKey: $idempotencyKey
              ) {
                id
              }
            }
            """)
        variables: dict[str, object] = {
            "runId": run_id,
            "metrics": metrics,
            "params": params,
            "tags": tags,
            "idempotencyKey": idempotency_key,
        }
        response = await self.execute(
            query=query, operation_name="LogBatch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LogBatch.model_validate(data)

    async def log_metrics(
        self,
        run_id: str,
        series: list[MetricSeriesInput],
        idempotency_key: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> LogMetrics:
        query = gql("""
            mutation LogMetrics($runId: ID!, $series: [MetricSeriesInput!]!, $idempotencyKey: String) {
              logMetrics(runId: $runId, series: $series, idempotencyKey: $idempotencyKey) {
                points
              }
            }
            """)
        variables: dict[str, object] = {
            "runId": run_id,
            "series": series,
            "idempotencyKey": idempotency_key,
        }
        response = await self.execute(
            query=query, operation_name="LogMetrics", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LogMetrics.model_validate(data)

    async def end_run(self, id: str, status: RunStatus, **kwargs: Any) -> EndRun:
        query = gql("""
            mutation EndRun($id: ID!, $status: RunStatus!) {
              updateRun(id: $id, status: $status) {
                id
                status
                endTime
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "status": status}
        response = await self.execute(
            query=query, operation_name="EndRun", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return EndRun.model_validate(data)

    async def best_run(
        self,
        experiment_id: str,
        metric: str,
        direction: Union[Optional[OptimizationDirection], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> BestRun:
        query = gql("""
            query BestRun($experimentId: ID!, $metric: String!, $direction: OptimizationDirection) {
              bestRun(experimentId: $experimentId, metric: $metric, direction: $direction) {
                id
                name
                metrics {
                  key
                  value
                  step
                }
                modelVersions {
                  name
                  version
                  aliases
                }
                artifacts(kind: MODEL, first: 1) {
                  edges {
                    node {
                      ...ArtifactFields
                    }
                  }
                }
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "experimentId": experiment_id,
            "metric": metric,
            "direction": direction,
        }
        response = await self.execute(
            query=query, operation_name="BestRun", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return BestRun.model_validate(data)

    async def compare_runs(self, ids: list[str], **kwargs: Any) -> CompareRuns:
        query = gql("""
            query CompareRuns($ids: [ID!]!) {
              compareRuns(ids: $ids) {
                runs {
                  id
                  name
                  status
                  metrics {
                    key
                    value
                    step
                  }
                  params {
                    key
                    value
                  }
                }
                params {
                  key
                  values
                }
                metrics {
                  key
                  values
                }
              }
            }
            """)
        variables: dict[str, object] = {"ids": ids}
        response = await self.execute(
            query=query, operation_name="CompareRuns", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CompareRuns.model_validate(data)

    async def run_details(self, id: str, **kwargs: Any) -> RunDetails:
        query = gql("""
            query RunDetails($id: ID!) {
              run(id: $id) {
                id
                name
                status
                experiment {
                  id
                  name
                }
                metrics {
                  key
                  value
                  step
                }
                params {
                  key
                  value
                }
                tags {
                  key
                  value
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="RunDetails", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return RunDetails.model_validate(data)

    async def registered_model(self, name: str, **kwargs: Any) -> RegisteredModel:
        query = gql("""
            query RegisteredModel($name: String!) {
              registeredModel(name: $name) {
                name
                aliases {
                  alias
                  version
                }
                latestVersion {
                  version
                }
              }
            }
            """)
        variables: dict[str, object] = {"name": name}
        response = await self.execute(
            query=query, operation_name="RegisteredModel", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return RegisteredModel.model_validate(data)

    async def create_registered_model(
        self,
        name: str,
        description: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CreateRegisteredModel:
        query = gql("""
            mutation CreateRegisteredModel($name: String!, $description: String) {
              createRegisteredModel(name: $name, description: $description) {
                name
              }
            }
            """)
        variables: dict[str, object] = {"name": name, "description": description}
        response = await self.execute(
            query=query,
            operation_name="CreateRegisteredModel",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateRegisteredModel.model_validate(data)

    async def create_model_version(
        self, input: CreateModelVersionInput, **kwargs: Any
    ) -> CreateModelVersion:
        query = gql("""
            mutation CreateModelVersion($input: CreateModelVersionInput!) {
              createModelVersion(input: $input) {
                name
                version
                source
                runId
                artifactId
                aliases
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="CreateModelVersion",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateModelVersion.model_validate(data)

    async def set_model_alias(
        self, name: str, alias: str, version: int, **kwargs: Any
    ) -> SetModelAlias:
        query = gql("""
            mutation SetModelAlias($name: String!, $alias: String!, $version: Int!) {
              setModelAlias(name: $name, alias: $alias, version: $version) {
                name
                version
                aliases
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "alias": alias,
            "version": version,
        }
        response = await self.execute(
            query=query, operation_name="SetModelAlias", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return SetModelAlias.model_validate(data)

    async def create_artifact_upload(
        self, input: CreateArtifactUploadInput, **kwargs: Any
    ) -> CreateArtifactUpload:
        query = gql("""
            mutation CreateArtifactUpload($input: CreateArtifactUploadInput!) {
              createArtifactUpload(input: $input) {
                id
                status
                partSize
                presigned
                expiresAt
                parts {
                  partNumber
                  url
                  size
                }
                receivedParts {
                  partNumber
                  size
                }
                artifact {
                  ...ArtifactFields
                }
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="CreateArtifactUpload",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateArtifactUpload.model_validate(data)

    async def complete_artifact_upload(
        self, upload_id: str, **kwargs: Any
    ) -> CompleteArtifactUpload:
        query = gql("""
            mutation CompleteArtifactUpload($uploadId: ID!) {
              completeArtifactUpload(uploadId: $uploadId) {
                ...ArtifactFields
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {"uploadId": upload_id}
        response = await self.execute(
            query=query,
            operation_name="CompleteArtifactUpload",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CompleteArtifactUpload.model_validate(data)

    async def abort_artifact_upload(
        self, upload_id: str, **kwargs: Any
    ) -> AbortArtifactUpload:
        query = gql("""
            mutation AbortArtifactUpload($uploadId: ID!) {
              abortArtifactUpload(uploadId: $uploadId)
            }
            """)
        variables: dict[str, object] = {"uploadId": upload_id}
        response = await self.execute(
            query=query,
            operation_name="AbortArtifactUpload",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return AbortArtifactUpload.model_validate(data)

    async def store_small_artifact(
        self, input: CreateArtifactUploadInput, content_base_64: str, **kwargs: Any
    ) -> StoreSmallArtifact:
        query = gql("""
            mutation StoreSmallArtifact($input: CreateArtifactUploadInput!, $contentBase64: String!) {
              storeSmallArtifact(input: $input, contentBase64: $contentBase64) {
                ...ArtifactFields
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "input": input,
            "contentBase64": content_base_64,
        }
        response = await self.execute(
            query=query,
            operation_name="StoreSmallArtifact",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return StoreSmallArtifact.model_validate(data)

    async def set_artifact_alias(
        self, name: str, alias: str, version: int, **kwargs: Any
    ) -> SetArtifactAlias:
        query = gql("""
            mutation SetArtifactAlias($name: String!, $alias: String!, $version: Int!) {
              setArtifactAlias(name: $name, alias: $alias, version: $version) {
                alias
                version
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "alias": alias,
            "version": version,
        }
        response = await self.execute(
            query=query,
            operation_name="SetArtifactAlias",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return SetArtifactAlias.model_validate(data)

    async def artifact(self, id: str, **kwargs: Any) -> Artifact:
        query = gql("""
            query Artifact($id: ID!) {
              artifact(id: $id) {
                ...ArtifactFields
                downloadUrl
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Artifact", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Artifact.model_validate(data)

    async def artifact_by_name(
        self,
        name: str,
        version: Union[Optional[int], UnsetType] = UNSET,
        alias: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ArtifactByName:
        query = gql("""
            query ArtifactByName($name: String!, $version: Int, $alias: String) {
              artifactByName(name: $name, version: $version, alias: $alias) {
                ...ArtifactFields
                downloadUrl
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "version": version,
            "alias": alias,
        }
        response = await self.execute(
            query=query, operation_name="ArtifactByName", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ArtifactByName.model_validate(data)

    async def artifacts(
        self,
        filter_: Union[Optional[ArtifactFilter], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Artifacts:
        query = gql("""
            query Artifacts($filter: ArtifactFilter, $first: Int, $after: String) {
              artifacts(filter: $filter, first: $first, after: $after) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    ...ArtifactFields
                  }
                }
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "filter": filter_,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Artifacts", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Artifacts.model_validate(data)

    async def artifact_upload_status(
        self, id: str, **kwargs: Any
    ) -> ArtifactUploadStatus:
        query = gql("""
            query ArtifactUploadStatus($id: ID!) {
              artifactUpload(id: $id) {
                id
                status
                receivedParts {
                  partNumber
                  size
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query,
            operation_name="ArtifactUploadStatus",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ArtifactUploadStatus.model_validate(data)

    async def artifact_content(self, id: str, **kwargs: Any) -> ArtifactContent:
        query = gql("""
            query ArtifactContent($id: ID!) {
              artifact(id: $id) {
                ...ArtifactFields
                contentPath
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="ArtifactContent", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ArtifactContent.model_validate(data)

    async def artifact_content_by_name(
        self,
        name: str,
        version: Union[Optional[int], UnsetType] = UNSET,
        alias: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ArtifactContentByName:
        query = gql("""
            query ArtifactContentByName($name: String!, $version: Int, $alias: String) {
              artifactByName(name: $name, version: $version, alias: $alias) {
                ...ArtifactFields
                contentPath
              }
            }

            fragment ArtifactFields on Artifact {
              id
              name
              version
              kind
              size
              sha256
              contentType
              metadata
              tags
              component
              runId
              workflowRunId
              aliases
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "version": version,
            "alias": alias,
        }
        response = await self.execute(
            query=query,
            operation_name="ArtifactContentByName",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ArtifactContentByName.model_validate(data)

    async def start_workflow(
        self,
        workflow: str,
        input: Union[Optional[Any], UnsetType] = UNSET,
        component: Union[Optional[str], UnsetType] = UNSET,
        idempotency_key: Union[Optional[str], UnsetType] = UNSET,
        experiment_run_id: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> StartWorkflow:
        query = gql("""
            mutation StartWorkflow($workflow: String!, $input: JSON, $component: String, $idempotencyKey: String, $experimentRunId: ID) {
              startWorkflow(
                workflow: $workflow
                input: $input
                component: $component
                idempotencyKey: $idempotencyKey
                experimentRunId: $experimentRunId
              ) {
                id
                status
              }
            }
            """)
        variables: dict[str, object] = {
            "workflow": workflow,
            "input": input,
            "component": component,
            "idempotencyKey": idempotency_key,
            "experimentRunId": experiment_run_id,
        }
        response = await self.execute(
            query=query, operation_name="StartWorkflow", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return StartWorkflow.model_validate(data)

    async def workflow_status(self, id: str, **kwargs: Any) -> WorkflowStatus:
        query = gql("""
            query WorkflowStatus($id: ID!) {
              workflowRun(id: $id) {
                id
                workflowName
                status
                progress
                message
                result
                error {
                  type
                  message
                }
                steps {
                  stepId
                  status
                  attempt
                  progress
                  message
                  output
                  error {
                    type
                    message
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="WorkflowStatus", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return WorkflowStatus.model_validate(data)

    async def cancel_workflow(self, id: str, **kwargs: Any) -> CancelWorkflow:
        query = gql("""
            mutation CancelWorkflow($id: ID!) {
              cancelWorkflowRun(id: $id) {
                id
                status
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="CancelWorkflow", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CancelWorkflow.model_validate(data)

    async def watch_workflow(
        self, id: str, after: Union[Optional[int], UnsetType] = UNSET, **kwargs: Any
    ) -> AsyncIterator[WatchWorkflow]:
        query = gql("""
            subscription WatchWorkflow($id: ID!, $after: Int) {
              workflowRunEvents(runId: $id, afterSequence: $after) {
                sequence
                type
                stepId
                attempt
                progress
                message
                data
                at
                run {
                  status
                  progress
                  result
                  error {
                    type
                    message
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "after": after}
        async for data in self.execute_ws(
            query=query, operation_name="WatchWorkflow", variables=variables, **kwargs
        ):
            yield WatchWorkflow.model_validate(data)

    async def register_workflow(
        self, definition: WorkflowDefinitionInput, **kwargs: Any
    ) -> RegisterWorkflow:
        query = gql("""
            mutation RegisterWorkflow($definition: WorkflowDefinitionInput!) {
              registerWorkflow(definition: $definition) {
                name
                version
              }
            }
            """)
        variables: dict[str, object] = {"definition": definition}
        response = await self.execute(
            query=query,
            operation_name="RegisterWorkflow",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RegisterWorkflow.model_validate(data)
