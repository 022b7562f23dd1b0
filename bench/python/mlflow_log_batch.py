"""N metric points through the official mlflow client's log_batch, 1,000 a call (its limit),
against the same Jarvis. argv: points. Prints {"points", "seconds"} as JSON."""

import json
import sys
import time

from mlflow import MlflowClient
from mlflow.entities import Metric

points = int(sys.argv[1])
client = MlflowClient()
experiment = client.create_experiment(f"bench-mlflow-{time.time_ns()}")
run = client.create_run(experiment)
now = int(time.time() * 1000)
started = time.perf_counter()
for first in range(0, points, 1000):
    client.log_batch(
        run.info.run_id,
        metrics=[Metric("loss", 1 / (step + 1), now, step) for step in range(first, min(points, first + 1000))],
    )
seconds = time.perf_counter() - started
client.set_terminated(run.info.run_id)
print(json.dumps({"points": points, "seconds": seconds, "run_id": run.info.run_id}))
