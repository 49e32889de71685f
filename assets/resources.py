"""Resources: the articles folder and the DuckDB warehouse, configurable per run or by environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from pydantic import PrivateAttr

from capex_pipeline import cluster, lake, memory, package_data, quality, warehouse
from capex_pipeline.articles import DEFAULT_MAX_BYTES, Listing, list_folder

SEEDS_DIR = package_data.seeds_dir()  # the default corpus, shipped inside the package


class CorpusResource(dg.ConfigurableResource):
    """Where the articles are read from, and the largest file taken in."""

    articles_dir: str = str(SEEDS_DIR)
    max_bytes: int = DEFAULT_MAX_BYTES
    full_refresh: bool = False  # re-extract every article instead of reusing claims of unchanged ones

    def listing(self) -> Listing | None:
        """The folder's article files, each stat'ed once (None when the folder is missing)."""
        return list_folder(self.articles_dir) if Path(self.articles_dir).is_dir() else None

    def fingerprint(self, listing: Listing | None = None) -> str:
        """The folder's fingerprint, recorded by raw_articles so the sensor can tell what a run already read."""
        listing = listing or self.listing()
        return listing.fingerprint() if listing is not None else ""


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file, written by one run at a time whatever started it (`capex run`, the UI, the schedule or
    the sensor). (dagster-duckdb's DuckDBResource leaks its connection when the step raises, which keeps the
    file locked in-process; this one always closes and retries while another writer holds it.)

    Dagster sets the resource up, and this takes the writer lock (warehouse.writer_lock), once per process that
    executes steps, and tears it down (releasing the lock) when that process is done. With the in-process
    executor (`capex run`, the UI's in_process config) that is once per run: the run's writes are one block no
    other run can interleave with, so staging and marts always come from the same inputs. With the
    multiprocess executor it is once per step: each step still reads its inputs and writes its table under
    the lock, so it sees all or nothing of a run writing as one block, and two launched runs never overlap
    because the Dagster queue starts one at a time (assets/dagster.yaml: `max_concurrent_runs: 1`). A lock
    spanning a multiprocess run would need a holder outliving its step processes, which a resource is not."""

    database: str = str(warehouse.DEFAULT_DB)
    # DuckDB's buffer pool otherwise grows to 80% of the machine's memory while a run scans the texts; above
    # this it evicts pages (written to the file or its temp folder) instead of growing the process.
    memory_limit: str = os.environ.get("CAPEX_DUCKDB_MEMORY_LIMIT", warehouse.WRITER_MEMORY_LIMIT)
    _writing: ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        db = Path(self.database)

        def waiting() -> None:
            if context.log:
                context.log.warning(f"another run (or another step of this one) is writing {db}; "
                                    "waiting for it to finish")

        stack = ExitStack()
        stack.enter_context(warehouse.writer_lock(db, on_wait=waiting))
        self._writing = stack
        for path in warehouse.clean_temp_files(db):  # safe now: only a lock holder writes temporary files
            if context.log:
                context.log.info(f"removed {path.name}, left by an interrupted run")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._writing is not None:
            self._writing.close()
            self._writing = None

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the warehouse; a full, read-only or forbidden disk becomes WarehouseUnavailable with
        one line instead of DuckDB's traceback. Every step opens one first: after a large step, the memory it
        left is handed back here (`memory.settle`)."""
        memory.settle()
        try:
            with warehouse.connect(self.database) as con:
                warehouse.limit_memory(con, self.memory_limit)
                yield con
        except (OSError, duckdb.Error) as exc:
            if reason := warehouse.disk_error(exc):
                raise warehouse.WarehouseUnavailable(f"cannot write the database at {self.database}: "
                                                     f"{reason}") from exc
            raise


class GxResource(dg.ConfigurableResource):
    """Great Expectations for the gates, imported (and its ephemeral context made) when Dagster initialises the
    run's resources: once per run with the in-process executor, once per step process with the multiprocess
    one. The import (1.5 s, about 120 MB: GX pulls pandas) is a fixed cost of every run, not
    work of the step that happens to validate first; Dagster's resource-initialisation events time it apart
    from the steps (the benchmark reports it as `resource_init_seconds`)."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        quality.context()
        # The run's imports live as long as the run: frozen out of the collector until teardown, its full
        # passes no longer walk them (0.2 s each, several per run as steps allocate)
        memory.freeze()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        memory.thaw()

    def validate(self, frame: pl.DataFrame, suite: str) -> quality.Validation:
        return quality.validate(frame, suite)


class ClusterResource(dg.ConfigurableResource):
    """The Dask scheduler that extraction runs on: `scheduler` (`capex run --dask-scheduler`), else
    $CAPEX_DASK_SCHEDULER as the run's process sees it (runs launched from the UI), else none: the local path."""

    scheduler: str = ""

    def address(self) -> str | None:
        return cluster.scheduler_address(self.scheduler or None)

    @contextmanager
    def mapper(self) -> Iterator[cluster.ClusterMap | None]:
        """A map over the cluster's workers while the block runs, or None without a scheduler."""
        address = self.address()
        if address is None:
            yield None
            return
        with cluster.connect(address) as client:
            yield cluster.ClusterMap(client)


class LakeResource(dg.ConfigurableResource):
    """Where the monthly partitions' Parquet files go: `root` (`capex backfill --lake`), else $CAPEX_LAKE as the
    run's process sees it, else data/lake. A local folder or an object-store URL (s3://, gs://, az:// with their
    fsspec package installed)."""

    root: str = ""

    def open(self) -> lake.Lake:
        return lake.Lake(lake.lake_root(self.root or None))


def default_articles_dir() -> str:
    return os.environ.get("CAPEX_ARTICLES") or str(SEEDS_DIR)


def make_resources(db: str | Path | None = None, articles: str | Path | None = None, *,
                   full_refresh: bool = False, dask_scheduler: str | None = None,
                   lake_root: str | None = None) -> dict[str, object]:
    path = warehouse.db_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "lake": LakeResource(root=lake_root or ""),
        "lake_warehouse": WarehouseResource(database=str(warehouse.lake_db(path))),
        "duckdb": WarehouseResource(database=str(path)),
        "corpus": CorpusResource(articles_dir=str(articles or default_articles_dir()), full_refresh=full_refresh),
        "dask": ClusterResource(scheduler=dask_scheduler or ""),
        "gx": GxResource(),
    }
