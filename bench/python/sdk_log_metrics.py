"""N metric points through the Python SDK's run.log_metrics (batched in the background), until
all are stored. argv: points. Prints {"points", "seconds"} as JSON."""

import json
import sys
import time

from jarvis import TSAIComponent

points = int(sys.argv[1])
with TSAIComponent("bench") as component:
    run = component.start_experiment("bench-python-sdk")
    started = time.perf_counter()
    for step in range(points):
        run.log_metrics({"loss": 1 / (step + 1)}, step)
    run.end()
    seconds = time.perf_counter() - started
print(json.dumps({"points": points, "seconds": seconds, "run_id": run.id}))
