"""Jobs, the daily schedule and the sensor that starts a run when article files are added or changed."""


import json
from pathlib import Path

import dagster as dg

from capex_pipeline.articles import article_paths

from .resources import default_articles_dir

capex_job = dg.define_asset_job("capex_job", selection=dg.AssetSelection.all(),
                                description="Materialize the whole pipeline: articles -> claims -> USD -> marts")

daily_schedule = dg.ScheduleDefinition(name="daily_capex", job=capex_job, cron_schedule="0 6 * * *",
                                       default_status=dg.DefaultScheduleStatus.STOPPED)


def folder_state(folder: str) -> dict[str, list[int]]:
    """File name -> (size, mtime in ns): cheap to read, and it changes when a file is added or edited."""
    path = Path(folder)
    if not path.is_dir():
        return {}
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in article_paths(path)}


@dg.sensor(job=capex_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts a run when files in the articles folder are added or changed")
def new_articles_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    folder = default_articles_dir()
    state = folder_state(folder)
    seen = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(name for name, stamp in state.items() if seen.get(name) != stamp)
    if not changed:
        return dg.SkipReason(f"no new or changed files in {folder}")
    run_key = "|".join(f"{n}:{state[n][1]}" for n in changed)[:500]
    request = dg.RunRequest(run_key=run_key, tags={"capex/changed": ",".join(changed)[:200]})
    return dg.SensorResult(run_requests=[request], cursor=json.dumps(state))
