"""The loopback Dask cluster of the tests (capex_app/bench/loopback.py), and a task that kills its worker."""

from __future__ import annotations

import os
import signal

from capex_app.bench.loopback import LoopbackCluster, loopback_cluster

__all__ = ["LoopbackCluster", "die_once", "loopback_cluster"]


def die_once(marker: str, value: int) -> int:
    """A task whose first attempt kills the worker running it (SIGKILL: no clean-up, as an OOM kill); later
    attempts, on another worker, return `value` * 2."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL))  # atomic: one attempt in the whole cluster wins
    except FileExistsError:
        return value * 2
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")
