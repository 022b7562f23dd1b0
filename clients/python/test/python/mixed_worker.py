"""The Python half of a mixed pipeline: argv is the task queue. Runs until killed."""

import sys
import time

from jarvis import Worker


def double(input, ctx):
    ctx.log.info("doubling", {"x": input["x"]})
    ctx.progress(0.5, "doubling")
    ctx.run.log_metric("doubled", input["x"] * 2)
    return {"y": input["x"] * 2}


def wait_for_cancel(input, ctx):
    for i in range(1200):
        ctx.progress(i / 1200, f"tick {i}")
        time.sleep(0.05)
    return {"finished": True}


class BadBatch(Exception):
    non_retryable = True


def explode(input, ctx):
    raise BadBatch(f"batch {input['batch']} has no labels")


print("worker ready", flush=True)
Worker(sys.argv[1], {"py.double": double, "py.wait": wait_for_cancel, "py.explode": explode}, max_concurrent=2).run()
