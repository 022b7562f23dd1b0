"""Logs a large file and reads it back the way MLflow's client does for large artifacts.

The server's /api/3.0/mlflow/server-info decides: multipart upload (parts PUT to the URLs the
server hands out, with no credentials) and presigned, ranged download. The thresholds are
lowered by the test's environment so a few MiB take that path.
"""

import hashlib
import json
import os
import sys
import tempfile

import mlflow
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

size = int(sys.argv[1])
work = tempfile.mkdtemp()
path = os.path.join(work, "epoch=3 weights.ckpt")
with open(path, "wb") as f:
    f.write(os.urandom(size))
with open(path, "rb") as f:
    sent = hashlib.sha256(f.read()).hexdigest()

mlflow.set_experiment("large-artifacts")
with mlflow.start_run() as run:
    repo = get_artifact_repository(run.info.artifact_uri)
    multipart_up = repo._should_multipart_upload(path)
    multipart_down = repo._is_multipart_download_enabled()
    mlflow.log_artifact(path, artifact_path="checkpoints")

back = mlflow.artifacts.download_artifacts(
    run_id=run.info.run_id, artifact_path="checkpoints/epoch=3 weights.ckpt", dst_path=work + "/back"
)
with open(back, "rb") as f:
    received = hashlib.sha256(f.read()).hexdigest()

print(
    json.dumps(
        {
            "run_id": run.info.run_id,
            "multipart_upload": multipart_up,
            "multipart_download": multipart_down,
            "sent": sent,
            "received": received,
            "size": os.path.getsize(back),
        }
    )
)
