"""The Python half of a mixed pipeline: argv is the task queue. Runs until killed."""

import sys
import time

from jarvis import ActivityCancelled, Worker


def double(input, ctx):
    ctx.log.info("doubling", {"x": input["x"]})
    ctx.progress(0.5, "doubling")
    ctx.run.log_metric("doubled", input["x"] * 2)
    return {"y": input["x"] * 2}


def wait_for_cancel(input, ctx):
    try:
        for i in range(1200):
            ctx.progress(i / 1200, f"tick {i}")
            time.sleep(0.05)
    except ActivityCancelled as stopped:
        print(f"{ctx.run_id} stopped: {stopped.reason}", flush=True)
        raise
    return {"finished": True}


class BadBatch(Exception):
    non_retryable = True


def explode(input, ctx):
    raise BadBatch(f"batch {input['batch']} has no labels")


class Flaky(Exception):
    pass


async def flaky(input, ctx):
    if ctx.attempt == 1:
        raise Flaky("the shard is not there yet")
    return {"attempt": ctx.attempt}


worker = Worker(
    sys.argv[1],
    {"py.double": double, "py.wait": wait_for_cancel, "py.explode": explode, "py.flaky": flaky},
    max_concurrent=2,
)
print(f"worker ready on the {worker.engine} engine", flush=True)
worker.run()
