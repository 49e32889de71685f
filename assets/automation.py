"""Jobs, the daily schedule and the sensor that starts a run when the articles folder changes."""


import json
from pathlib import Path

import dagster as dg

from capex_pipeline.articles import list_folder

from .health import unfinished_run_dead
from .lake import GROUP, LAKE_PARTITIONED
from .resources import default_articles_dir

# In one process by default: a step process costs about 10 s to start on this kind of machine, more than most
# steps' work, and one process holds the writer lock for the whole run (see WarehouseResource). The launchpad
# can still ask for `multiprocess` (a very large backfill).
capex_job = dg.define_asset_job("capex_job", selection=dg.AssetSelection.all() - dg.AssetSelection.groups(GROUP),
                                config={"execution": {"config": {"in_process": {}}}},
                                description="Materialize the whole pipeline: articles -> claims -> USD -> marts")

# One month of the lake per run: the job's Partitions page shows each month's status, and a backfill of a
# range of months (the UI's "Materialize", or `capex backfill --from --to`) is one run per month.
lake_job = dg.define_asset_job("lake_job", selection=dg.AssetSelection.assets(*LAKE_PARTITIONED),
                               config={"execution": {"config": {"in_process": {}}}},
                               description="One month of the lake: articles -> claims -> USD claims, as Parquet")

# Off by default: the sensor already follows every change of the folder, so a daily run mostly re-reads an
# unchanged corpus. Switch it on under Automation for a run every morning whatever happened.
daily_schedule = dg.ScheduleDefinition(name="daily_capex", job=capex_job, cron_schedule="0 6 * * *",
                                       default_status=dg.DefaultScheduleStatus.STOPPED)

RAW_ARTICLES = dg.AssetKey("raw_articles")


def _last_build(instance: dg.DagsterInstance, folder: str) -> tuple[str | None, dg.DagsterRun | None]:
    """The folder fingerprint recorded by the last materialization of raw_articles from `folder`, and the run
    that recorded it (a failed gate records no materialization, so a failed run's input still counts as new)."""
    event = instance.get_latest_materialization_event(RAW_ARTICLES)
    materialization = event.asset_materialization if event else None
    metadata = materialization.metadata if materialization else {}
    recorded_dir, recorded = metadata.get("articles_dir"), metadata.get("folder_fingerprint")
    if recorded_dir is None or recorded is None or Path(str(recorded_dir.value)).resolve() != Path(folder).resolve():
        return None, None
    return str(recorded.value), instance.get_run_by_id(event.run_id) if event and event.run_id else None


def _changes(before: dict[str, list[int]], after: dict[str, list[int]]) -> str:
    """What happened to the folder, for the run's tags: added, edited and deleted files (a rename is both)."""
    kinds = {"added": sorted(after.keys() - before.keys()), "deleted": sorted(before.keys() - after.keys()),
             "edited": sorted(n for n in after.keys() & before.keys() if after[n] != before[n])}
    return "; ".join(f"{kind} {', '.join(names)}" for kind, names in kinds.items() if names)


@dg.sensor(job=capex_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run when article files or sources.csv in the articles folder are added, edited, "
                       "renamed or deleted, once per change; on by default, so a folder you drop files into "
                       "is followed while the Dagster daemon runs (`make ui`)")
def new_articles_sensor(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    folder = default_articles_dir()
    if not Path(folder).is_dir():  # an unmounted or mistyped folder must not empty the warehouse
        return dg.SkipReason(f"articles folder {folder} not found")
    listing = list_folder(folder)
    state, current = listing.state(), listing.fingerprint()
    cursor = json.loads(context.cursor) if context.cursor else None
    if cursor is not None and "files" not in cursor:  # the cursor of earlier versions: the file state alone
        cursor = {"seq": 0, "files": cursor}
    seq = cursor["seq"] if cursor else 0
    # Compared with what the warehouse was last built from, not only with the cursor: the first tick on an
    # unchanged, materialized corpus, or a change a `capex run` already took in, starts no run. A run that
    # took the articles in and then died (killed, out of memory) built no marts from them: the folder counts
    # as changed once that run's process is gone (run monitoring marks it failed, and the queue moves on).
    built_from, builder = _last_build(context.instance, folder)
    interrupted = False
    if built_from == current:
        if builder is not None and not builder.is_finished and unfinished_run_dead(context.instance, builder) is None:
            return dg.SkipReason(f"run {builder.run_id} is taking {folder} in as it is now")
        interrupted = builder is not None and not builder.is_success
        if not interrupted:
            context.update_cursor(json.dumps({"seq": seq, "files": state}))
            return dg.SkipReason(f"{folder} is unchanged since the last materialization of raw_articles")
    if cursor is not None and cursor["files"] == state:
        return dg.SkipReason(f"no file in {folder} added, edited, renamed or deleted since the last run request")
    changes = _changes(cursor["files"], state) if cursor else \
        f"run {builder.run_id} stopped before the marts" if interrupted and builder else \
        "changed since the last materialization of raw_articles" if built_from else "not materialized yet"
    context.update_cursor(json.dumps({"seq": seq + 1, "files": state}))
    # The sequence number makes the key unique even when the folder returns to an earlier state (a file
    # deleted, restored, deleted again), while a tick re-evaluated after a crash repeats it and is not re-run.
    return dg.RunRequest(run_key=f"{seq + 1}:{current}", tags={"capex/changes": changes[:200]})
