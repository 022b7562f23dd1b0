"""Jarvis's worker routes (``/workflows/worker/*``) and GraphQL, as a worker in another process
reaches them through the router. Reports are retried until Jarvis answers, so a restart of
Jarvis loses none of them."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import httpx

log = logging.getLogger("jarvis.worker")


class WorkerConnection:
    def __init__(self, url: str, api_key: str | None) -> None:
        self.url = url.rstrip("/").removesuffix("/graphql")
        headers = {"content-type": "application/json"}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self.http = httpx.Client(headers=headers, timeout=httpx.Timeout(70.0, connect=10.0))
        # Long polls get their own pool, so a report never queues behind one.
        self.polls = httpx.Client(headers=headers, timeout=httpx.Timeout(70.0, connect=10.0))
        self.stopping = threading.Event()

    def call(self, path: str, body: dict[str, Any], retry: bool = True) -> Any:
        client = self.polls if path == "poll" else self.http
        wait = 0.25
        while True:
            try:
                response = client.post(f"{self.url}/workflows/worker/{path}", content=json.dumps(body, default=str))
            except (httpx.TransportError, RuntimeError) as error:
                if not retry or self.stopping.is_set():
                    raise
                if wait == 0.25:  # once per outage, not once per try
                    log.warning(
                        "cannot reach Jarvis at %s (%r); trying again: is `jarvis dev` running, and JARVIS_URL right?",
                        self.url,
                        error,
                    )
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
                continue
            if response.status_code in (502, 503) and retry and not self.stopping.is_set():
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
                continue
            if response.status_code >= 400:
                try:
                    message = response.json().get("error", response.text)
                except ValueError:
                    message = response.text
                raise RuntimeError(f"Jarvis refused {path} ({response.status_code}): {message}")
            return response.json() if response.content else None

    def report(self, run_id: str, events: list[dict[str, Any]]) -> None:
        """Events of a step on Temporal (progress, retries, logs) for the run's history and subscribers."""
        self.call("report", {"runId": run_id, "events": events})

    def run_info(self, run_id: str) -> dict[str, Any]:
        """The workflow run's linked experiment run and, once it ended, why it stopped."""
        return self.call("run", {"runId": run_id}, retry=False) or {}

    def graphql(self, query: str, variables: dict[str, Any]) -> Any:
        body = self.http.post(f"{self.url}/graphql", content=json.dumps({"query": query, "variables": variables})).json()
        if body.get("errors"):
            raise RuntimeError("; ".join(e["message"] for e in body["errors"]))
        return body.get("data")

    def close(self) -> None:
        self.stopping.set()
        self.polls.close()
        self.http.close()
