"""A run launched the way the Dagster UI launches one, against `capex run` on the same corpus: `dagster dev`
with the project's instance settings (queue, pool, run launcher), then GraphQL `launchRun` of every asset with
no run config, as the UI's "Materialize all" sends it. Both start from an empty warehouse."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path
from typing import Any

from .machine import REPO

DAGSTER = Path(sys.executable).with_name("dagster")
CAPEX = Path(sys.executable).with_name("capex")
INSTANCE_YAML = REPO / "assets" / "dagster.yaml"
DONE = {"SUCCESS", "FAILURE", "CANCELED"}

ASSETS = """{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } }
  assetNodes { assetKey { path } isMaterializable isPartitioned } }"""
LAUNCH = """mutation Launch($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId status } } ... on Error { message } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } } }"""
STATUS = """query S($runId: ID!) {
  runOrError(runId: $runId) { ... on Run { status creationTime startTime endTime } } }"""
LOGS = """query L($runId: ID!) { logsForRun(runId: $runId) { ... on EventConnection {
  events { __typename ... on MessageEvent { message stepKey } } } } }"""


def _graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{url}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    if payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {json.dumps(payload['errors'])[:1000]}")
    return payload["data"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_loaded(url: str, process: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {process.returncode}")
        with suppress(OSError, RuntimeError, urllib.error.URLError, KeyError, TypeError):
            data = _graphql(url, ASSETS)
            if data["repositoriesOrError"]["nodes"] and data["assetNodes"]:
                return data
        time.sleep(0.5)
    raise RuntimeError("dagster dev did not load the code location in time")


def cli_run(articles: Path, work: Path) -> dict[str, Any]:
    """`capex run` in a fresh process into an empty warehouse: its wall time."""
    db = work / "cli" / "capex.duckdb"
    db.parent.mkdir(parents=True)
    env = dict(os.environ, DAGSTER_HOME=str(db.parent / "dagster_home"))
    t0 = time.perf_counter()
    done = subprocess.run([str(CAPEX), "run", "--articles", str(articles), "--db", str(db)], env=env, cwd=REPO,
                          capture_output=True, text=True)
    return {"seconds": round(time.perf_counter() - t0, 2), "success": done.returncode == 0}


def ui_run(articles: Path, work: Path, timeout: float = 600.0) -> dict[str, Any]:
    """One UI-style launch into an empty warehouse: seconds from the launch request to the run's end, split
    into the time queued (until the daemon hands it to the run launcher) and the run worker's own time."""
    home = work / "ui" / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")  # the project's queue, pool and run launcher
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DAGSTER_HOME=str(home), CAPEX_DB=str(work / "ui" / "capex.duckdb"),
               CAPEX_ARTICLES=str(articles))
    log = (work / "ui" / "dagster_dev.log").open("wb")
    process = subprocess.Popen([str(DAGSTER), "dev", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
                               cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        data = _wait_loaded(url, process, 180)
        repo = next(r for r in data["repositoriesOrError"]["nodes"] if r["name"] == "__repository__")
        # the folder pipeline: the lake's monthly assets are backfilled by month, not in one run
        selection = [n["assetKey"] for n in data["assetNodes"] if n["isMaterializable"] and not n["isPartitioned"]
                     and n["assetKey"]["path"] != ["lake_marts"]]
        params = {"selector": {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"],
                               "jobName": "__ASSET_JOB", "assetSelection": selection}}
        t0 = time.time()
        launched = _graphql(url, LAUNCH, {"params": params})["launchRun"]
        if launched["__typename"] != "LaunchRunSuccess":
            return {"error": launched}
        run_id = launched["run"]["runId"]
        run: dict[str, Any] = {}
        while time.time() - t0 < timeout:
            run = _graphql(url, STATUS, {"runId": run_id})["runOrError"]
            if run.get("status") in DONE:
                break
            time.sleep(0.25)
        messages = [e.get("message") or "" for e in
                    _graphql(url, LOGS, {"runId": run_id})["logsForRun"].get("events") or []]
        executor = next((m for m in messages if m.startswith("Executing steps")), None)
        start, end = run.get("startTime"), run.get("endTime")
        return {"status": run.get("status"), "seconds": round((end or time.time()) - t0, 2),
                "queued_seconds": round(start - t0, 2) if start else None,
                "worker_seconds": round(end - start, 2) if start and end else None, "executor": executor}
    finally:
        stop_group(process, 30)
        log.close()


def stop_group(process: subprocess.Popen[Any], timeout: float) -> None:
    """Stop a process started in its own session and all it started: TERM, then KILL after `timeout` s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def ui_vs_cli(articles: Path, work: Path) -> dict[str, Any]:
    """The seed corpus launched from the UI and from the command line, and the ratio of their times."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cli = cli_run(articles, work)
    ui = ui_run(articles, work)
    ratio = round(ui["seconds"] / cli["seconds"], 2) if ui.get("seconds") and cli["seconds"] else None
    return {"articles": str(articles), "cli": cli, "ui": ui, "ui_over_cli": ratio}
