import os

import httpx
import pytest

from jarvis import JarvisNetworkError, TSAIComponent, UnauthenticatedError


def test_a_run_logs_batched_metrics_params_tags_and_where_it_ran(component, unique):
    with component.start_experiment(f"py-{unique}", {"lr": 0.01, "optimizer": "adam"}, tags={"team": "vision"}) as run:
        for step in range(2500):
            run.log_metrics({"loss": 1 / (step + 1)}, step)
        run.set_tags({"stage": "ci"})
    details = component._run(component._async._conn.request(lambda api: api.run_details(id=run.id))).run
    assert details.status.value == "FINISHED"
    assert {p.key: p.value for p in details.params} == {"lr": "0.01", "optimizer": "adam"}
    tags = {t.key: t.value for t in details.tags}
    assert tags["team"] == "vision" and tags["stage"] == "ci" and tags["component"] == "pytest"
    loss = next(m for m in details.metrics if m.key == "loss")
    assert loss.step == 2499


def test_a_failing_block_ends_the_run_failed(component, unique):
    with pytest.raises(ValueError):
        with component.start_experiment(f"py-{unique}") as run:
            run.log_metric("x", 1.0)
            raise ValueError("diverged")
    details = component._run(component._async._conn.request(lambda api: api.run_details(id=run.id))).run
    assert details.status.value == "FAILED"


def test_metrics_are_logged_once_when_answers_are_lost(jarvis_url, proxy, unique, component):
    lost = {"n": 0}

    def drop_first_answers(request: bytes, answer: bytes):
        # Jarvis stores the batch, the answer never arrives: the SDK sends it again, same key.
        if b"LogMetrics" in request and b"series" in request and lost["n"] < 3:
            lost["n"] += 1
            return None
        return answer

    flaky = proxy(drop_first_answers)
    with TSAIComponent("pytest", url=flaky.url, api_key=os.environ.get("JARVIS_API_KEY")) as c:
        with c.start_experiment(f"py-lost-{unique}", flush_interval=0.05) as run:
            for step in range(30):
                run.log_metrics({"acc": step / 30}, step)
                if step % 10 == 9:
                    run.flush()
    assert lost["n"] == 3
    # The whole series, as MLflow's API reads it back: each step exactly once.
    headers = {"authorization": f"Bearer {os.environ['JARVIS_API_KEY']}"} if os.environ.get("JARVIS_API_KEY") else {}
    history = httpx.get(
        f"{jarvis_url}/api/2.0/mlflow/metrics/get-history",
        params={"run_id": run.id, "metric_key": "acc"},
        headers=headers,
    ).json()["metrics"]
    assert sorted(m["step"] for m in history) == list(range(30))


def test_best_model_and_registration(component, tmp_path, unique):
    best_id = None
    for acc in (0.7, 0.9, 0.8):
        with component.start_experiment(f"py-best-{unique}") as run:
            run.log_metric("acc", acc)
            (tmp_path / "m.bin").write_bytes(os.urandom(100) + str(acc).encode())
            component.store_model(tmp_path / "m.bin", name=f"{unique}/model.bin", run_id=run.id, progress_bar=False)
        if acc == 0.9:
            best_id = run.id
    best = component.get_best_model(f"py-best-{unique}", "acc")
    assert best["run"].id == best_id and best["value"] == 0.9
    version = component.register_model(f"py-model-{unique}", best["artifact"].id, run_id=best_id, alias="production")
    assert version.version == 1 and version.aliases == ["production"]


def test_a_bad_key_is_unauthenticated_and_an_unreachable_jarvis_a_network_error(jarvis_url, tmp_path):
    if os.environ.get("JARVIS_API_KEY"):
        with TSAIComponent("pytest", url=jarvis_url, api_key="jv_not_a_real_key") as c:
            with pytest.raises(UnauthenticatedError):
                c.list_artifacts()
    with TSAIComponent("pytest", url="http://127.0.0.1:9", timeout=2) as c:
        with pytest.raises(JarvisNetworkError) as down:
            c.list_artifacts()
    assert down.value.transient


def test_analytics_metrics(component, unique):
    component.log_metric(f"py_gauge_{unique}", 3.5, {"rink": "north"})
    component.log_counter(f"py_counter_{unique}_total")
    component.log_histogram(f"py_latency_{unique}_seconds", 0.12, buckets=[0.1, 0.5, 1])


def test_nan_and_infinity_are_logged_as_mlflow_keeps_them(component, jarvis_url, unique):
    import math
    import sys

    with component.start_experiment(f"py-nan-{unique}") as run:
        run.log_metrics({"loss": 0.5, "grad": float("inf")}, 0)
        run.log_metrics({"loss": float("nan"), "grad": float("-inf")}, 1)
    headers = {"authorization": f"Bearer {os.environ['JARVIS_API_KEY']}"} if os.environ.get("JARVIS_API_KEY") else {}

    def history(key):
        points = httpx.get(
            f"{jarvis_url}/api/2.0/mlflow/metrics/get-history",
            params={"run_id": run.id, "metric_key": key},
            headers=headers,
        ).json()["metrics"]
        return {p["step"]: float(p["value"]) for p in points}

    loss = history("loss")
    assert loss[0] == 0.5 and math.isnan(loss[1])
    assert history("grad") == {0: sys.float_info.max, 1: -sys.float_info.max}
