"""A real Dask cluster on loopback: `dask scheduler` and `dask worker` processes started from the project's
environment, each in its own process group, all stopped (by their own ids) when the block ends. The benchmark's
worker scaling and the tests use it; a real cluster is started by its operator (docs/scaling.md)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).with_name("dask")
START_TIMEOUT_S = 60


@dataclass
class LoopbackCluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)  # name -> process


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # workers of a checkout import its tests' task functions too
    with log.open("wb") as out:
        return subprocess.Popen([str(DASK), *args], stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                                start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@contextmanager
def loopback_cluster(folder: Path, workers: int = 2) -> Iterator[LoopbackCluster]:
    """A scheduler on 127.0.0.1 and `workers` single-threaded workers without a nanny (so a worker's pid is the
    process started here), ready when every worker has joined; stopped on exit."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    scheduler = _spawn(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(info)], folder / "scheduler.log")
    cluster: LoopbackCluster | None = None
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not info.is_file() or not info.read_text().strip().endswith("}"):
            assert scheduler.poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.2)
        cluster = LoopbackCluster(address=json.loads(info.read_text())["address"], scheduler=scheduler)
        for i in range(1, workers + 1):
            name = f"w{i}"
            cluster.workers[name] = _spawn(["worker", cluster.address, "--name", name, "--nthreads", "1",
                                            "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                                            "--death-timeout", "60"], folder / f"{name}.log")
        with Client(cluster.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=START_TIMEOUT_S)
        yield cluster
    finally:
        for process in [*(cluster.workers.values() if cluster else []), scheduler]:
            _stop(process)
