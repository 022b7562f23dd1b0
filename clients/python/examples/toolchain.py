"""TSAI Toolchain, in Python: two training trials of the hockey player-role detector, each an
experiment run and a run of the `hockey-detection` pipeline whose steps (this component's own
Python worker) log metrics into the run and store the model; the best becomes the registered
model's champion. JARVIS_URL (default http://127.0.0.1:4000) and JARVIS_API_KEY.

    python examples/toolchain.py
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time

from jarvis import ActivityContext, TSAIComponent, Worker

EXPERIMENT = "hockey-role-classification"
PIPELINE = "hockey-detection"
REGISTERED_MODEL = "hockey-role-classifier"
TASK_QUEUE = "toolchain-python"


class ToolchainComponent(TSAIComponent):
    def __init__(self) -> None:
        super().__init__("toolchain")
        self.worker: Worker | None = None

    def start(self) -> None:
        """Registers the pipeline and starts the worker for its steps."""
        self.register_workflow(
            {
                "name": PIPELINE,
                "description": "Prepare labelled clips, train the player-role detector, evaluate it on held-out clips",
                "taskQueue": TASK_QUEUE,
                "steps": [
                    {"id": "prepare", "activity": "prepareClips", "input": {"clips": "$input.clips"}},
                    {
                        "id": "train",
                        "activity": "train",
                        "input": {
                            "lr": "$input.parameters.lr",
                            "epochs": "$input.parameters.epochs",
                            "frames": "$steps.prepare.output.frames",
                            "experimentRunId": "$input.experimentRunId",
                        },
                        "heartbeatTimeoutMs": 30_000,
                    },
                    {"id": "evaluate", "activity": "evaluate", "input": {"model": "$steps.train.output.model"}},
                ],
                "output": {"model": "$steps.train.output.model", "mAP": "$steps.evaluate.output.mAP"},
            }
        )
        self.worker = Worker(
            TASK_QUEUE,
            {"prepareClips": self.prepare_clips, "train": self.train, "evaluate": self.evaluate},
            url=self.url,
            api_key=self._async.api_key,
        ).start()

    def run_hockey_detection_pipeline(self, clips: int, lr: float, epochs: int) -> dict:
        """One trial: an experiment run, the pipeline run linked to it, followed live."""
        run = self.start_experiment(EXPERIMENT, {"lr": lr, "epochs": epochs, "clips": clips}, run_name=f"lr-{lr}")
        workflow = self.start_workflow(
            PIPELINE,
            {"clips": clips, "parameters": {"lr": lr, "epochs": epochs}, "experimentRunId": run.id},
            run=run,
            idempotency_key=f"toolchain:{run.id}",
        )
        print(f"toolchain: trial lr={lr} (run {run.name}, pipeline {workflow.id})", file=sys.stderr)
        result = failure = None
        for event in self.watch_workflow(workflow.id):
            kind = event.type_.value
            if kind == "STEP_PROGRESS":
                print(f"  {event.step_id}: {event.message}", file=sys.stderr)
            elif kind == "RUN_COMPLETED":
                result = event.run.result
            elif kind.startswith("RUN_") and kind != "RUN_STARTED":
                failure = event.run.error.message if event.run.error else kind
        if result is None:
            run.end("FAILED")
            raise RuntimeError(f"pipeline {workflow.id} did not complete: {failure}")
        run.log_metrics({"test_mAP": result["mAP"]})
        run.end("FINISHED")
        return {"workflow_run_id": workflow.id, "experiment_run_id": run.id, "mAP": result["mAP"]}

    def register_best_model(self):
        """Registers the model of the experiment's best run (by test mAP) as the champion."""
        best = self.get_best_model(EXPERIMENT, "test_mAP")
        if not best or best["artifact"] is None:
            raise RuntimeError(f"no run of {EXPERIMENT} has a test_mAP and a model yet")
        version = self.register_model(
            REGISTERED_MODEL,
            best["artifact"].id,
            run_id=best["run"].id,
            alias="champion",
            description=f"best {EXPERIMENT} run {best['run'].name}, test mAP {best['value']:.3f}",
        )
        return version, best["value"], best["run"].id

    # The pipeline's steps. The models are stand-ins; everything around them is real.

    def prepare_clips(self, input: dict, ctx: ActivityContext) -> dict:
        for clip in range(1, input["clips"] + 1):
            time.sleep(0.04)
            ctx.progress(clip / input["clips"], f"clip {clip}/{input['clips']}")
        return {"frames": input["clips"] * 300}

    def train(self, input: dict, ctx: ActivityContext) -> dict:
        # A learning curve whose ceiling depends on the learning rate.
        ceiling = 0.55 + 0.35 * math.exp(-((math.log10(input["lr"]) + 2.5) ** 2))
        mean_ap = 0.0
        for epoch in range(1, input["epochs"] + 1):
            time.sleep(0.03)
            mean_ap = ceiling * (1 - math.exp(-epoch / 3))
            ctx.run.log_metrics({"loss": 1.5 * (1 - mean_ap), "val_mAP": mean_ap}, step=epoch)
            ctx.progress(epoch / input["epochs"], f"epoch {epoch}/{input['epochs']} val_mAP {mean_ap:.3f}")
        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "detector.json")
            with open(weights, "w") as f:
                json.dump({"architecture": "role-detector-s", "lr": input["lr"], "frames": input["frames"], "mAP": mean_ap}, f)
            model = self.store_model(
                weights,
                name="toolchain/hockey-role-detector.json",
                content_type="application/json",
                run_id=input["experimentRunId"],
                metadata={"lr": input["lr"], "epochs": input["epochs"]},
                progress_bar=False,
            )
        return {"model": model.id}

    def evaluate(self, input: dict, ctx: ActivityContext) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = self.retrieve_artifact(input["model"], os.path.join(folder, "detector.json"), progress_bar=False)
            with open(path) as f:
                weights = json.load(f)
        ctx.progress(1, "held-out clips scored")
        # Held-out clips score a little under validation.
        return {"mAP": round(weights["mAP"] * 0.97, 4)}

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        super().close()


if __name__ == "__main__":
    toolchain = ToolchainComponent()
    try:
        toolchain.start()
        results = [
            toolchain.run_hockey_detection_pipeline(clips=4, lr=0.02, epochs=12),
            toolchain.run_hockey_detection_pipeline(clips=4, lr=0.003, epochs=12),
        ]
        comparison = toolchain.compare_experiments([r["experiment_run_id"] for r in results])
        for metric in comparison.metrics:
            if metric.key == "test_mAP":
                print("test_mAP by trial: " + " vs ".join(f"{v:.3f}" for v in metric.values))
        champion, mean_ap, run_id = toolchain.register_best_model()
        print(f"champion: {champion.name} v{champion.version} (test mAP {mean_ap:.3f}, run {run_id})")
    finally:
        toolchain.close()
