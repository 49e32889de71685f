"""Run the whole pipeline through Dagster (what `capex run` does) and summarise what it produced."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import dagster as dg
from dagster._utils.error import SerializableErrorInfo  # the type of a failure event's error; not re-exported

from capex_pipeline import marts, package_data, render, tables, warehouse

from .health import fail_dead_runs, process_tags
from .pipeline import PIPELINE_ASSETS
from .resources import ClusterResource, CorpusResource, GxResource, WarehouseResource, default_articles_dir

INSTANCE_YAML = files(__package__) / "dagster.yaml"  # package data, shipped in the wheel


def root_cause(error: SerializableErrorInfo) -> str:
    """The innermost error of a cause chain in one line ('ValueError: ...'): Dagster raises a step's exception
    as the cause of 'Error occurred while executing op', which says nothing about what went wrong."""
    while error.cause is not None:
        error = error.cause
    lines = [line.strip() for line in error.message.strip().splitlines() if line.strip()]
    return lines[0] if lines else error.cls_name or "unknown error"


def instance_for(db: Path) -> dg.DagsterInstance:
    """The persistent Dagster instance ($DAGSTER_HOME, else a dagster_home beside the database), so runs
    started from the command line show up in the UI (`make ui` uses the same home)."""
    home = Path(os.environ.get("DAGSTER_HOME") or db.resolve().parent / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_bytes(INSTANCE_YAML.read_bytes())
    return dg.DagsterInstance.from_config(str(home))


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    seconds: float
    db: Path
    articles: str
    checks: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    summary: str = ""
    dask_scheduler: str | None = None

    def report(self) -> str:
        status = "SUCCESS" if self.success else "FAILED"
        lines = [f"capex run: {status} in {self.seconds:.1f} s (run {self.run_id[:8]}); "
                 f"articles {self.articles}; database {self.db}"
                 + (f"; extraction on the Dask cluster at {self.dask_scheduler}" if self.dask_scheduler else "")]
        lines += [f"  failure: {f}" for f in self.failures]
        with warehouse.connect(self.db, read_only=True) as con:
            counts = []
            for step, table in (*tables.STEP_TABLES.items(), *((m.name, m.table) for m in marts.DERIVED)):
                rows = tables.scalar(con, f"SELECT count(*) FROM {table}") if tables.table_exists(con, table) else "-"
                quarantined, notes = tables.quarantine_counts(con, step)
                gate = {True: "passed", False: "FAILED"}.get(self.checks.get(step), "-")
                counts.append((table, rows, quarantined, notes, gate))
            lines += ["", render.table(["table", "rows", "quarantined", "notes", "gate"], counts)]
            if tables.table_exists(con, tables.FCT_CLAIMS):
                unrated, figures, currencies, undated, undated_articles = \
                    con.sql(package_data.sql("summary_gaps.sql")).fetchall()[0]
                if unrated:
                    lines += ["", f"{unrated} claims ({figures} figures) in {currencies} have no USD rate: "
                                  "usd_value is NULL (fx_basis no_rate). A rates file (capex run --fx-rates, "
                                  "README) converts them."]
                if undated:
                    lines += ["", f"{undated} claims in {undated_articles} articles have no publication date "
                                  "(date_basis unknown): a relative year ('this year') stays NULL and the USD rate is "
                                  "the year's average, or the latest. A 'published' column in sources.csv or a "
                                  "date in the front matter gives one."]
            if tables.table_exists(con, marts.CAPEX_CONSENSUS.table):
                consensus = con.sql(
                    "SELECT company, year, metric, figures, articles, sources, round(usd_low / 1e9, 2) AS low, "
                    "round(usd_median / 1e9, 2) AS median, round(usd_high / 1e9, 2) AS high "
                    "FROM marts.capex_consensus ORDER BY company, year NULLS LAST, metric")
                lines += ["", "marts.capex_consensus: what has been reported, per company, year and metric (USD bn):",
                          render.table(consensus.columns, consensus.fetchall())]
        return "\n".join(lines)


def _disk_failure(result: dg.ExecuteInProcessResult) -> str | None:
    """The one-line message of a step that failed on a full, read-only or forbidden disk, if one did."""
    for event in result.get_step_failure_events():
        error = event.event_specific_data.error if event.event_specific_data else None
        while error is not None:
            if error.cls_name == warehouse.WarehouseUnavailable.__name__:
                return error.message.split(":", 1)[-1].strip().splitlines()[0]
            error = error.cause
    return None


def run_pipeline(*, db: Path, articles: Path | None = None, full_refresh: bool = False,
                 instance: dg.DagsterInstance | None = None, dask_scheduler: str | None = None) -> RunOutcome:
    resources = {"corpus": CorpusResource(articles_dir=str(articles or default_articles_dir()),
                                          full_refresh=full_refresh),
                 "duckdb": WarehouseResource(database=str(db)),
                 "dask": ClusterResource(scheduler=dask_scheduler or ""), "gx": GxResource()}
    level = os.environ.get("CAPEX_LOG_LEVEL", "WARNING").upper()
    started = time.perf_counter()
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise warehouse.WarehouseUnavailable(f"cannot write the database at {db}: {exc.strerror}") from exc

    def waiting() -> None:
        print(f"capex run: another run is writing {db}; waiting for it to finish", file=sys.stderr)

    # The same lock the run's WarehouseResource takes (re-entrant here): queue behind any other writer first,
    # then make sure no reader holds the file.
    with warehouse.writer_lock(db, on_wait=waiting):
        warehouse.check_writable(db)
        try:
            instance = instance or instance_for(db)
        except OSError as exc:
            raise warehouse.WarehouseUnavailable(f"cannot create the Dagster instance for {db}: "
                                                 f"{warehouse.disk_error(exc) or exc.strerror}") from exc
        for run_id in fail_dead_runs(instance):  # so they no longer hold the UI's run queue
            print(f"capex run: marked run {run_id[:8]} failed: its process is gone", file=sys.stderr)
        result = dg.materialize(PIPELINE_ASSETS, resources=resources, instance=instance,
                                raise_on_error=False, tags={"capex/trigger": "cli", **process_tags()},
                                run_config={"loggers": {"console": {"config": {"log_level": level}}}})
        if disk := _disk_failure(result):
            raise warehouse.WarehouseUnavailable(disk)
        checks = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
        failures = [f"{e.step_key}: {root_cause(e.step_failure_data.error)}"
                    for e in result.get_step_failure_events() if e.step_failure_data.error]
        outcome = RunOutcome(success=result.success, run_id=result.run_id, seconds=time.perf_counter() - started,
                             db=db, articles=resources["corpus"].articles_dir, checks=checks, failures=failures,
                             dask_scheduler=resources["dask"].address())
        outcome.summary = outcome.report()  # read while this run still holds the lock
    return outcome
