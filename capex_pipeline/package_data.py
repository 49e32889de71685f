"""Data shipped inside the package (the Great Expectations suites, the SQL and the seed corpus), found through
`importlib.resources`, so a source checkout and an installed wheel read the very same files."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = files("capex_pipeline")


def suite(name: str) -> Traversable:
    """The versioned suite `expectations/<name>.json`; read it with `.read_text()`."""
    return PACKAGE / "expectations" / f"{name}.json"


@cache
def sql(name: str) -> str:
    """The text of `sql/<name>` (read once per process)."""
    return (PACKAGE / "sql" / name).read_text(encoding="utf-8")


def seeds_dir() -> Path:
    """The shipped seed corpus as a real folder: `capex run` lists, stats and fingerprints it like any
    articles folder, and Dagster run config carries it as a path string. Wheels install unpacked, so the
    resource already is a folder on disk; `importlib.resources.as_file` would only add a temporary copy
    whose path changes every run, which would defeat incremental runs and the sensor's fingerprint."""
    folder = PACKAGE / "seeds"
    if not isinstance(folder, Path):
        raise RuntimeError("capex_pipeline is imported from an archive: pass an articles folder explicitly")
    return folder
