"""A file through the Python SDK's store_artifact. argv: path. Prints {"bytes", "seconds"}."""

import json
import os
import sys
import time

from jarvis import TSAIComponent

path = sys.argv[1]
with TSAIComponent("bench") as component:
    started = time.perf_counter()
    artifact = component.store_artifact(path, name=f"bench/{time.time_ns()}.bin", progress_bar=False)
    seconds = time.perf_counter() - started
print(json.dumps({"bytes": os.path.getsize(path), "seconds": seconds, "sha256": artifact.sha_256, "size": artifact.size}))
