"""A real `dg dev` (what `make ui` runs) for UI tests: free loopback port, throwaway instance, bounded waits, sure
cleanup.

Not a test module. `dg_dev(tmp)` is a context manager yielding a `UiServer` (base URL, DuckDB path,
instance folder, log file); `graphql(url, query, variables)` posts one GraphQL request with urllib.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "capex_pipeline" / "seeds"
DG = Path(sys.executable).with_name("dg")
RESERVED_PORTS = {3000}  # the developer's own `make ui`
DAGSTER_YAML = "telemetry:\n  enabled: false\nnux:\n  enabled: false\n"

LOCATION_STATUS = """
query LocationStatus {
  locationStatusesOrError {
    __typename
    ... on WorkspaceLocationStatusEntries { entries { name loadStatus } }
    ... on PythonError { message }
  }
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        locationOrLoadError { __typename ... on PythonError { message stack } }
      }
    }
  }
}
"""


class UiServerError(RuntimeError):
    """dg dev did not come up (or a GraphQL request failed); the message carries the log's tail."""


@dataclass(frozen=True)
class UiServer:
    url: str
    db: Path
    home: Path
    log: Path
    process: subprocess.Popen[bytes]
    lake: Path

    def log_tail(self, chars: int = 4000) -> str:
        return _tail(self.log, chars)


def free_port() -> int:
    """A currently free loopback port chosen by the kernel (never a reserved one)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def graphql(url: str, query: str, variables: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
    """POST one query to `url` (the server's base URL or its /graphql endpoint) and return its `data`.

    Raises UiServerError on HTTP errors or when the response carries GraphQL `errors`."""
    endpoint = url if url.rstrip("/").endswith("/graphql") else url.rstrip("/") + "/graphql"
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(endpoint, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise UiServerError(f"GraphQL HTTP {exc.code}: {exc.read()[:2000]!r}") from exc
    if payload.get("errors"):
        raise UiServerError(f"GraphQL errors: {json.dumps(payload['errors'])[:4000]}")
    return payload["data"]


def _tail(path: Path, chars: int) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "<no log>"


def _fail(message: str, log: Path) -> UiServerError:
    return UiServerError(f"{message}\n--- dg dev log (tail) ---\n{_tail(log, 4000)}")


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    """Bounded wait for /server_info, then for every code location to be LOADED without a load error."""
    while True:
        if process.poll() is not None:
            raise _fail(f"dg dev exited with code {process.returncode} before serving {url}", log)
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise _fail(f"{url}/server_info did not answer in time", log)
        time.sleep(0.5)

    last: object = None
    while True:
        if process.poll() is not None:
            raise _fail(f"dg dev exited with code {process.returncode} while loading code locations", log)
        try:
            data = graphql(url, LOCATION_STATUS, timeout=10)
        except (UiServerError, urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = exc
        else:
            last = data
            statuses = data["locationStatusesOrError"]
            entries = statuses.get("entries") or []
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                for location in data["workspaceOrError"].get("locationEntries") or []:
                    error = location.get("locationOrLoadError") or {}
                    if error.get("__typename") == "PythonError":
                        raise _fail(f"code location {location['name']!r} failed to load: {error['message']}\n"
                                    f"{''.join(error.get('stack') or [])}", log)
                return
        if time.monotonic() > deadline:
            raise _fail(f"code locations not LOADED in time; last answer: {str(last)[:2000]}", log)
        time.sleep(0.5)


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM the whole process group (dg dev, webserver, daemon, code servers), then SIGKILL stragglers."""
    pgid = process.pid  # start_new_session=True made the child the leader of its own group
    try:
        with suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        # Children of dg dev (webserver, daemon, code servers) may outlive it for a moment.
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
    finally:  # also reached on a second Ctrl-C during the graceful stop
        with suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


@contextmanager
def dg_dev(tmp: Path, *, articles: Path = SEEDS, timeout: float = 90.0,
           port: int | None = None) -> Iterator[UiServer]:
    """Start `dg dev` from the repo root, as `make ui` does, on a free loopback port with a fresh instance under
    `tmp`, wait until its code location is LOADED (bounded by `timeout` seconds), yield it, and always stop its
    process group."""
    tmp = Path(tmp)
    home = tmp / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")
    db = tmp / "capex.duckdb"
    log = tmp / "dg_dev.log"
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"DAGSTER_HOME": str(home), "CAPEX_DB": str(db), "CAPEX_ARTICLES": str(articles),
                        "CAPEX_LAKE": str(tmp / "lake"), "PYTHONUNBUFFERED": "1"}
    env.pop("VIRTUAL_ENV", None)  # as from make: dg finds the project's .venv by itself
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DG), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        _wait_until_up(url, process, log, time.monotonic() + timeout)
        yield UiServer(url=url, db=db, home=home, log=log, process=process, lake=tmp / "lake")
    finally:
        stop_process_group(process)
