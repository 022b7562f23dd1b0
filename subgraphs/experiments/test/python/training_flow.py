"""A training script as a team would write it, using only the official mlflow client.

MLFLOW_TRACKING_URI points at Jarvis; nothing else is configured. Prints what it did as JSON.
"""

import json
import os
import tempfile

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

mlflow.set_experiment("hockey-role-classification")
experiment = mlflow.get_experiment_by_name("hockey-role-classification")

run_ids = []
for lr in ("0.1", "0.01"):
    with mlflow.start_run(run_name=f"resnet-lr{lr}") as run:
        mlflow.log_params({"lr": lr, "batch_size": 32})
        mlflow.log_param("optimizer", "adam")
        mlflow.set_tag("component", "toolchain")
        mlflow.set_tags({"team": "vision", "dataset": "nhl-2025"})
        best = 0.9 if lr == "0.01" else 0.7
        for step in range(20):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            mlflow.log_metrics({"acc": best * (step + 1) / 20, "lr_schedule": float(lr)}, step=step)

        workdir = tempfile.mkdtemp()
        report = os.path.join(workdir, "report.txt")
        with open(report, "w") as f:
            f.write(f"confusion matrix for lr={lr}\n")
        mlflow.log_artifact(report)
        model_dir = os.path.join(workdir, "model")
        os.mkdir(model_dir)
        with open(os.path.join(model_dir, "MLmodel"), "w") as f:
            f.write("flavors:\n  python_function:\n    loader_module: roles\n")
        with open(os.path.join(model_dir, "model.pkl"), "wb") as f:
            f.write(os.urandom(64 * 1024))
        mlflow.log_artifacts(model_dir, artifact_path="model")
        run_ids.append(run.info.run_id)
        # Params cannot change: MLflow's error comes back with MLflow's code.
        try:
            mlflow.log_param("lr", "0.5")
            param_error = None
        except MlflowException as e:
            param_error = e.error_code

best_run_id = run_ids[1]
client = MlflowClient()

downloaded = mlflow.artifacts.download_artifacts(run_id=best_run_id, artifact_path="report.txt")
with open(downloaded) as f:
    report_text = f.read()
model_files = sorted(a.path for a in client.list_artifacts(best_run_id, "model"))
model_copy = mlflow.artifacts.download_artifacts(run_id=best_run_id, artifact_path="model")

found = client.search_runs(
    [experiment.experiment_id],
    "metrics.acc > 0.8 and params.lr = '0.01' and tags.component = 'toolchain'",
    order_by=["metrics.acc DESC"],
)
frame = mlflow.search_runs(experiment_names=["hockey-role-classification"], order_by=["metrics.acc DESC"])

version = mlflow.register_model(f"runs:/{best_run_id}/model", "role-classifier")
client.set_registered_model_alias("role-classifier", "champion", version.version)
champion = client.get_model_version_by_alias("role-classifier", "champion")

print(
    json.dumps(
        {
            "experiment_id": experiment.experiment_id,
            "run_ids": run_ids,
            "param_error": param_error,
            "report": report_text,
            "model_files": model_files,
            "model_copy": sorted(os.listdir(model_copy)),
            "found": [r.info.run_id for r in found],
            "frame_runs": list(frame["run_id"]),
            "history": [(m.step, m.value) for m in client.get_metric_history(best_run_id, "loss")][:3],
            "version": version.version,
            "source": version.source,
            "champion": champion.version,
            "champion_run": champion.run_id,
        }
    )
)
