"""What a benchmark ran on: the machine, the commit, and the process's own measurements (one core, peak RSS)."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MB = 1e6


def machine() -> dict[str, Any]:
    """Platform, CPU model, cores and memory of this machine."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024**2, 1)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "cores_usable": usable, "memory_gib": memory, "bytecode_cached": bytecode_cached(),
            "extractor_compiled": extractor_compiled()}


def extractor_compiled() -> bool:
    """Whether `capex extract` runs the mypyc-compiled extractor (capex_pipeline/native.py)."""
    from capex_pipeline.extract import extractor

    return not str(extractor.__file__).endswith(".py")


def bytecode_cached() -> bool:
    """Whether the installed packages have compiled bytecode (.pyc) to load. Without it (an environment that sets
    PYTHONDONTWRITEBYTECODE over a venv installed without compiling), every run compiles Dagster, GX and
    pandas from source: seconds of each run's start-up."""
    import importlib.util

    spec = importlib.util.find_spec("great_expectations")
    origin = spec.origin if spec else None
    return bool(origin) and Path(importlib.util.cache_from_source(origin)).is_file()


def code_version() -> dict[str, Any]:
    """The commit measured, and whether tracked files differ from it."""
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO)
        return out.stdout.strip() if out.returncode == 0 else ""

    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def extract_path_is_dagster_free() -> bool:
    """True when importing the CLI and the extractor (the `capex extract` path) leaves Dagster unimported."""
    code = "import capex_app.cli, capex_pipeline.extract; import sys; print('dagster' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return out.stdout.strip().splitlines()[-1] == "False"


@contextlib.contextmanager
def one_core() -> Iterator[int | None]:
    """Pin this process to a single CPU for the duration (where the platform allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


def peak_rss_mb() -> float:
    """Peak resident set size of this process and its waited-for children, in MB (Linux reports KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return round(max(own, children) / MB, 1)
