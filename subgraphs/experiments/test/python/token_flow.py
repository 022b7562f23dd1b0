"""The official mlflow client with MLFLOW_TRACKING_TOKEN (or username/password) set, as a team's
training job runs against a shared Jarvis: log a run and an artifact, then report what it saw.
Without credentials, the same call must fail with MLflow's UNAUTHENTICATED."""
import json
import os
import sys
import tempfile

import mlflow
from mlflow.exceptions import MlflowException

mode = sys.argv[1]
result = {}
if mode == "refused":
    try:
        mlflow.search_experiments()
        result["error"] = None
    except MlflowException as error:
        result["error"] = error.error_code
        result["message"] = str(error)[:300]
else:
    mlflow.set_experiment("keyed")
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.1)
        mlflow.log_metric("loss", 0.25)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "notes.txt")
            with open(path, "w") as out:
                out.write("trained with a key\n")
            mlflow.log_artifact(path)
    fetched = mlflow.get_run(run.info.run_id)
    result["run_id"] = run.info.run_id
    result["loss"] = fetched.data.metrics.get("loss")
    result["artifacts"] = [a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)]
print(json.dumps(result))
