"""`capex backfill --from --to`: one Dagster run per month of the lake (articles -> claims -> USD claims as
Parquet, on the Dask cluster when one is configured), then one run that rebuilds the lake marts from every
published month. The runs go to the same instance as `capex run`, so the UI shows each month's status on the
assets' and `lake_job`'s Partitions pages; a month whose gate fails keeps its last good files and the others
proceed."""

from __future__ import annotations

import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from capex_pipeline import lake, marts, render, tables, warehouse

from .health import fail_dead_runs, process_tags
from .lake import LAKE_PARTITIONED, MONTHS, lake_marts
from .resources import make_resources
from .runner import instance_for, root_cause


class BadRange(ValueError):
    """--from / --to that are not months of the partitions, or out of order."""


def months(first: str, last: str) -> list[str]:
    keys = MONTHS.get_partition_keys()
    for key in (first, last):
        if key not in keys:
            raise BadRange(f"{key!r} is not a month of the lake's partitions (YYYY-MM, {keys[0]} to {keys[-1]})")
    if keys.index(first) > keys.index(last):
        raise BadRange(f"--from {first} is after --to {last}")
    return MONTHS.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))


@dataclass
class BackfillOutcome:
    backfill_id: str
    lake: str
    db: Path
    seconds: float
    months: dict[str, str] = field(default_factory=dict)  # month -> SUCCESS or the failure
    marts_success: bool = False
    marts_failure: str = ""

    @property
    def success(self) -> bool:
        return self.marts_success and all(v == "SUCCESS" for v in self.months.values())

    def report(self) -> str:
        ok = sum(v == "SUCCESS" for v in self.months.values())
        lines = [f"capex backfill: {ok} of {len(self.months)} months published in {self.seconds:.1f} s "
                 f"(backfill {self.backfill_id}); lake {self.lake}; marts {self.db}",
                 render.table(["month", "status"], sorted(self.months.items()))]
        if not self.marts_success:
            lines.append(f"marts not rebuilt (they keep their last good state): {self.marts_failure}")
            return "\n".join(lines)
        with warehouse.connect(self.db, read_only=True) as con:
            counts = [(m.table, tables.scalar(con, f"SELECT count(*) FROM {m.table}")) for m in marts.ALL]
        lines += ["", render.table(["table", "rows"], counts)]
        return "\n".join(lines)


def _failure(result: dg.ExecuteInProcessResult) -> str:
    """Why a run failed, in one line: the GX gates that failed (their blocking check fails the step too), else
    the first step's error."""
    if gates := [e.asset_key.to_user_string() for e in result.get_asset_check_evaluations() if not e.passed]:
        return f"gate failed: {', '.join(gates)} (last good files kept)"
    failed = [e for e in result.get_step_failure_events() if e.step_failure_data.error]
    return f"{failed[0].step_key}: {root_cause(failed[0].step_failure_data.error)}" if failed else "FAILED"


def run_backfill(*, db: Path, first: str, last: str, articles: Path | None = None, lake_root: str | None = None,
                 dask_scheduler: str | None = None, instance: dg.DagsterInstance | None = None) -> BackfillOutcome:
    keys = months(first, last)
    resources = make_resources(db, articles, dask_scheduler=dask_scheduler, lake_root=lake_root)
    backfill_id = uuid.uuid4().hex[:8]
    tags = {"capex/trigger": "cli", "capex/backfill": backfill_id, **process_tags()}
    config = {"loggers": {"console": {"config": {"log_level": os.environ.get("CAPEX_LOG_LEVEL", "WARNING").upper()}}}}
    started = time.perf_counter()
    instance = instance or instance_for(db)
    for run_id in fail_dead_runs(instance):
        print(f"capex backfill: marked run {run_id[:8]} failed: its process is gone", file=sys.stderr)
    outcome = BackfillOutcome(backfill_id=backfill_id, lake=lake.lake_root(lake_root), db=warehouse.lake_db(db),
                              seconds=0.0)
    for key in keys:  # one run per month: a month that fails leaves the others to proceed
        result = dg.materialize(LAKE_PARTITIONED, partition_key=key, resources=resources, instance=instance,
                                raise_on_error=False, tags=tags, run_config=config)
        outcome.months[key] = "SUCCESS" if result.success else _failure(result)
    result = dg.materialize([lake_marts], resources=resources, instance=instance, raise_on_error=False, tags=tags,
                            run_config=config)
    outcome.marts_success = result.success
    outcome.marts_failure = "" if result.success else _failure(result)
    outcome.seconds = time.perf_counter() - started
    return outcome
