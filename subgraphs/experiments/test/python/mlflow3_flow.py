"""An MLflow 3 user's script, unchanged: only MLFLOW_TRACKING_URI points at Jarvis.

sklearn autolog on data it makes, log_model and load_model (sklearn and pyfunc), register_model
from the logged model and an alias, log_input of a pandas dataset, artifacts with awkward names,
log_image per step, and a traced function with nested spans read back with search_traces.
Prints what it saw as JSON on its last line.
"""

import json
import os
import tempfile

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

client = MlflowClient()
experiment = mlflow.set_experiment("mlflow3-e2e")
X, y = make_classification(n_samples=200, n_features=4, random_state=0)
frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
frame["label"] = y

# Autolog: params, training metrics and the model, with no logging calls in the training code.
mlflow.sklearn.autolog()
with mlflow.start_run(run_name="autolog") as autolog_run:
    LogisticRegression(max_iter=300).fit(X, y)
mlflow.sklearn.autolog(disable=True)
auto = client.get_run(autolog_run.info.run_id)
auto_models = mlflow.search_logged_models(
    experiment_ids=[experiment.experiment_id],
    filter_string=f"source_run_id = '{autolog_run.info.run_id}'",
    output_format="list",
)

with mlflow.start_run(run_name="explicit") as run:
    model = LogisticRegression(max_iter=300).fit(X, y)
    dataset = mlflow.data.from_pandas(frame, source="synthetic.csv", name="synthetic", targets="label")
    mlflow.log_input(dataset, context="training")
    info = mlflow.sklearn.log_model(model, name="classifier", input_example=X[:2])
    mlflow.log_metric("val_accuracy", float(model.score(X, y)), model_id=info.model_id)

    workdir = tempfile.mkdtemp()
    for name in ("epoch=2-step=30.ckpt", "step 3+ålesund.txt"):
        with open(os.path.join(workdir, name), "w", encoding="utf-8") as f:
            f.write(f"contents of {name}")
        mlflow.log_artifact(os.path.join(workdir, name), artifact_path="checkpoints")
    for step in range(3):
        mlflow.log_image(np.full((8, 8, 3), step * 40, dtype=np.uint8), key="sample", step=step)

    class AddOne(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input["a"] + 1

    pyfunc_info = mlflow.pyfunc.log_model(name="add-one", python_model=AddOne())

predictions = mlflow.sklearn.load_model(info.model_uri).predict(X[:5]).tolist()
added = mlflow.pyfunc.load_model(pyfunc_info.model_uri).predict(pd.DataFrame({"a": [1, 2]})).tolist()

version = mlflow.register_model(info.model_uri, "mlflow3-e2e-classifier")
client.set_registered_model_alias("mlflow3-e2e-classifier", "champion", version.version)
champion = mlflow.sklearn.load_model("models:/mlflow3-e2e-classifier@champion")

back = client.get_run(run.info.run_id)
downloaded = mlflow.artifacts.download_artifacts(
    run_id=run.info.run_id, artifact_path="checkpoints/epoch=2-step=30.ckpt"
)


@mlflow.trace(span_type="RETRIEVER")
def retrieve(question):
    with mlflow.start_span(name="embed") as span:
        span.set_inputs({"text": question})
        span.set_outputs({"dims": 3})
    return ["a document"]


@mlflow.trace(name="agent")
def agent(question):
    return retrieve(question)[0] + "!"


answer = agent("what is jarvis?")
if hasattr(mlflow, "flush_trace_async_logging"):
    mlflow.flush_trace_async_logging()
traces = mlflow.search_traces(
    locations=[experiment.experiment_id], filter_string="name = 'agent'", return_type="list"
)
trace = traces[0] if traces else None

# Judging the trace: a human's feedback, the expected answer, a correction, a retraction.
feedback = mlflow.log_feedback(
    trace_id=trace.info.trace_id,
    name="relevance",
    value=0.9,
    rationale="cites the right document",
    source=mlflow.entities.AssessmentSource(source_type="HUMAN", source_id="reviewer@team"),
)
expectation = mlflow.log_expectation(trace_id=trace.info.trace_id, name="expected", value={"answer": "a document!"})
mlflow.update_assessment(
    trace_id=trace.info.trace_id,
    assessment_id=feedback.assessment_id,
    assessment=mlflow.entities.Feedback(name="relevance", value=0.5),
)
judged = mlflow.get_trace(trace.info.trace_id).info.assessments
mlflow.delete_assessment(trace_id=trace.info.trace_id, assessment_id=expectation.assessment_id)
after_delete = mlflow.get_trace(trace.info.trace_id).info.assessments

print(
    json.dumps(
        {
            "experiment_id": experiment.experiment_id,
            "autolog_params": sorted(k for k in auto.data.params if k in ("C", "max_iter")),
            "autolog_metrics": sorted(auto.data.metrics),
            "autolog_models": [m.source_run_id for m in auto_models],
            "model_id": info.model_id,
            "model_status": str(client.get_logged_model(info.model_id).status),
            "model_metrics": {m.key: m.value for m in client.get_logged_model(info.model_id).metrics},
            "predictions": predictions,
            "champion_predictions": champion.predict(X[:5]).tolist(),
            "added": added,
            "version": version.version,
            "registered": [m.name for m in client.search_registered_models()],
            "inputs": [
                [d.dataset.name, d.dataset.digest, d.dataset.source_type, [t.value for t in d.tags]]
                for d in back.inputs.dataset_inputs
            ],
            "outputs": sorted(o.model_id for o in back.outputs.model_outputs),
            "checkpoints": sorted(f.path for f in client.list_artifacts(run.info.run_id, "checkpoints")),
            "checkpoint_text": open(downloaded, encoding="utf-8").read(),
            "images": len(client.list_artifacts(run.info.run_id, "images")),
            "answer": answer,
            "trace_count": len(traces),
            "trace_state": trace.info.state if trace else None,
            "span_names": sorted(s.name for s in trace.data.spans) if trace else [],
            "root_inputs": trace.data.spans[0].inputs if trace else None,
            "assessments": sorted([a.name, a.value, a.rationale] for a in judged),
            "after_delete": [a.name for a in after_delete],
        }
    )
)
