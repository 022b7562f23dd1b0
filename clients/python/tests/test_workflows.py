import os
import threading
import time

import pytest

from jarvis import ActivityCancelled, NotFoundError, TSAIComponent, Worker


def count_activity(gate: threading.Event):
    def count(input, ctx):
        for i in range(1, input["to"] + 1):
            ctx.progress(i / input["to"], f"counted {i}")
            if i == 3:
                gate.wait(30)
        return {"counted": input["to"]}

    return count


def register(component, name, queue):
    component.register_workflow(
        {
            "name": name,
            "taskQueue": queue,
            "steps": [{"id": "count", "activity": "count", "input": {"to": "$input.to"}}],
            "output": {"counted": "$steps.count.output.counted"},
        }
    )


def test_start_status_and_watch_across_dropped_connections(component, unique, jarvis_url, tcp_pipe):
    gate = threading.Event()
    key = os.environ.get("JARVIS_API_KEY")
    with Worker(f"q-{unique}", {"count": count_activity(gate)}, url=jarvis_url, api_key=key):
        register(component, f"count-{unique}", f"q-{unique}")
        with TSAIComponent("pytest", url=tcp_pipe.url, api_key=key) as through_pipe:
            started = through_pipe.start_workflow(f"count-{unique}", {"to": 6})
            events = []
            for event in through_pipe.watch_workflow(started.id):
                events.append(event)
                if event.message == "counted 3":
                    tcp_pipe.drop()  # the WebSocket dies mid-run
                    threading.Timer(0.3, gate.set).start()
    sequences = [e.sequence for e in events]
    assert sequences == list(range(1, len(sequences) + 1)), "every event once, in order, across the drop"
    progress = [e.message for e in events if e.type_.value == "STEP_PROGRESS"]
    assert progress == [f"counted {i}" for i in range(1, 7)]
    assert events[-1].type_.value == "RUN_COMPLETED"
    assert events[-1].run.result == {"counted": 6}
    assert tcp_pipe.connections >= 2, "the watch reconnected"
    status = component.get_workflow_status(started.id)
    assert status.status.value == "COMPLETED" and status.steps[0].output == {"counted": 6}


def test_cancel_stops_the_python_step(component, unique, jarvis_url):
    stopped = threading.Event()

    def wait(input, ctx):
        try:
            while True:
                ctx.progress(0.1, "waiting")
                time.sleep(0.05)
        except ActivityCancelled:
            stopped.set()
            raise

    key = os.environ.get("JARVIS_API_KEY")
    with Worker(f"c-{unique}", {"wait": wait}, url=jarvis_url, api_key=key):
        component.register_workflow(
            {"name": f"wait-{unique}", "taskQueue": f"c-{unique}", "steps": [{"id": "wait", "activity": "wait"}]}
        )
        started = component.start_workflow(f"wait-{unique}")
        for event in component.watch_workflow(started.id):
            if event.type_.value == "STEP_PROGRESS":
                component.cancel_workflow(started.id)
        assert stopped.wait(10), "the step saw the cancellation at its next progress"
    assert component.get_workflow_status(started.id).status.value == "CANCELLED"


def test_an_unknown_run_is_not_found(component):
    with pytest.raises(NotFoundError):
        component.get_workflow_status("00000000-0000-4000-8000-000000000000")


def test_a_worker_that_cannot_reach_jarvis_says_so_and_keeps_trying():
    import subprocess
    import sys

    script = "from jarvis import Worker\nWorker('q', {'a': lambda i, c: i}, url='http://127.0.0.1:9').run()\n"
    with pytest.raises(subprocess.TimeoutExpired) as waited:
        subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=3)
    assert b"cannot reach Jarvis at http://127.0.0.1:9" in waited.value.stderr
    assert b"is `jarvis dev` running" in waited.value.stderr
