"""TSAI Autopilot, in Python: runs the autonomous analysis and watches its `evaluate` step. When the
step reports a performance below 0.8 it cancels the run, adapts the parameters and starts again,
logging each adaptation as a metric of its experiment run. JARVIS_URL and JARVIS_API_KEY.

    python examples/autopilot.py [threshold] [window]
"""

from __future__ import annotations

import sys
import time

from jarvis import ActivityContext, TSAIComponent, Worker

PIPELINE = "autonomous-hockey-analysis"
EXPERIMENT = "autopilot-adaptations"
TASK_QUEUE = "autopilot-python"
PERFORMANCE_FLOOR = 0.8


class AutopilotComponent(TSAIComponent):
    def __init__(self) -> None:
        super().__init__("autopilot")
        self.worker: Worker | None = None

    def start(self) -> None:
        self.register_workflow(
            {
                "name": PIPELINE,
                "description": "Perceive the game, evaluate the perception, act on it",
                "taskQueue": TASK_QUEUE,
                "steps": [
                    {"id": "perceive", "activity": "perceive", "input": {"window": "$input.window"}},
                    {
                        "id": "evaluate",
                        "activity": "evaluate",
                        "input": {
                            "threshold": "$input.threshold",
                            "window": "$input.window",
                            "detections": "$steps.perceive.output.detections",
                        },
                    },
                    {"id": "act", "activity": "act", "input": {"performance": "$steps.evaluate.output.performance"}},
                ],
                "output": {"performance": "$steps.evaluate.output.performance", "actions": "$steps.act.output.actions"},
            }
        )
        self.worker = Worker(
            TASK_QUEUE,
            {"perceive": self.perceive, "evaluate": self.evaluate, "act": self.act},
            url=self.url,
            api_key=self._async.api_key,
        ).start()

    def autonomous_hockey_analysis(self, threshold: float, window: int, max_adaptations: int = 6) -> dict:
        """Runs until a run completes at or above the floor (or max_adaptations is spent)."""
        run = self.start_experiment(EXPERIMENT, {"initial_threshold": threshold, "initial_window": window})
        try:
            adaptations = 0
            while True:
                workflow = self.start_workflow(PIPELINE, {"threshold": threshold, "window": window}, run=run)
                print(f"autopilot: attempt {adaptations + 1}, threshold {threshold}, window {window}", file=sys.stderr)
                performance = None
                adapted = False
                for event in self.watch_workflow(workflow.id):
                    kind = event.type_.value
                    if kind == "STEP_COMPLETED" and event.step_id == "evaluate":
                        performance = event.data["output"]["performance"]
                        run.log_metrics({"performance": performance}, step=adaptations)
                        if performance < PERFORMANCE_FLOOR:
                            if adaptations >= max_adaptations:
                                raise RuntimeError(f"performance {performance} still below {PERFORMANCE_FLOOR}")
                            print(f"autopilot: performance {performance:.3f} < {PERFORMANCE_FLOOR}, adapting", file=sys.stderr)
                            self.cancel_workflow(workflow.id)
                            threshold, window = adapt(threshold, window)
                            run.log_metrics({"autonomous_adaptation": adaptations + 1}, step=adaptations + 1)
                            adapted = True
                    if kind in ("RUN_FAILED", "RUN_TIMED_OUT", "RUN_TERMINATED"):
                        raise RuntimeError(f"analysis {workflow.id} ended {kind}")
                if adapted:
                    adaptations += 1
                    continue
                run.log_params({"final_threshold": threshold, "final_window": window})
                run.end("FINISHED")
                return {
                    "workflow_run_id": workflow.id,
                    "experiment_run_id": run.id,
                    "threshold": threshold,
                    "window": window,
                    "performance": performance,
                    "adaptations": adaptations,
                }
        except BaseException:
            run.end("FAILED")
            raise

    def perceive(self, input: dict, ctx: ActivityContext) -> dict:
        for batch in range(1, 6):
            time.sleep(0.02)
            ctx.progress(batch / 5, f"frame batch {batch}/5")
        return {"detections": 120 + input["window"] * 4}

    def evaluate(self, input: dict, ctx: ActivityContext) -> dict:
        # Stands in for scoring detections: precision falls off away from a threshold of 0.45,
        # and a wider window smooths out noise.
        performance = round(0.95 - 1.1 * abs(input["threshold"] - 0.45) - 0.04 * max(0, 4 - input["window"]), 3)
        ctx.progress(1, f"performance {performance:.3f} on {input['detections']} detections")
        return {"performance": performance}

    def act(self, input: dict, ctx: ActivityContext) -> dict:
        # Slow on purpose: a cancelled run is stopped here, at its next progress.
        for tick in range(1, 11):
            time.sleep(0.05)
            ctx.progress(tick / 10, f"acting {tick}/10")
        return {"actions": 10}

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        super().close()


def adapt(threshold: float, window: int) -> tuple[float, int]:
    """Halves the threshold's distance to 0.5 and widens the window (the TypeScript example's rule)."""
    return round(threshold - (threshold - 0.5) / 2, 3), min(window + 1, 6)


if __name__ == "__main__":
    autopilot = AutopilotComponent()
    try:
        autopilot.start()
        outcome = autopilot.autonomous_hockey_analysis(
            float(sys.argv[1]) if len(sys.argv) > 1 else 0.9, int(sys.argv[2]) if len(sys.argv) > 2 else 1
        )
        print(
            f"settled after {outcome['adaptations']} adaptation(s): threshold {outcome['threshold']}, "
            f"window {outcome['window']}, performance {outcome['performance']} (run {outcome['experiment_run_id']})"
        )
    finally:
        autopilot.close()
