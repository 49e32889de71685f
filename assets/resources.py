"""Resources: the articles folder and the DuckDB warehouse, configurable per run or by environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from capex_pipeline import warehouse
from capex_pipeline.articles import DEFAULT_MAX_BYTES

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"


class CorpusResource(dg.ConfigurableResource):
    """Where the articles are read from, and the largest file taken in."""

    articles_dir: str = str(SEEDS_DIR)
    max_bytes: int = DEFAULT_MAX_BYTES
    full_refresh: bool = False  # re-extract every article instead of reusing claims of unchanged ones


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file. (dagster-duckdb's DuckDBResource leaks its connection when the step raises, which
    keeps the file locked in-process; this one always closes and retries while another writer holds it.)"""

    database: str = str(warehouse.DEFAULT_DB)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(self.database) as con:
            yield con


def default_articles_dir() -> str:
    return os.environ.get("CAPEX_ARTICLES") or str(SEEDS_DIR)


def make_resources(db: str | Path | None = None, articles: str | Path | None = None, *,
                   full_refresh: bool = False) -> dict[str, object]:
    path = warehouse.db_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": WarehouseResource(database=str(path)),
        "corpus": CorpusResource(articles_dir=str(articles or default_articles_dir()), full_refresh=full_refresh),
    }
