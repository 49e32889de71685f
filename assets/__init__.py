"""The Dagster layer: thin wrappers over capex_pipeline (assets, gates, jobs, schedule, sensor)."""

from __future__ import annotations

import dagster as dg

from .automation import capex_job, daily_schedule, lake_job, new_articles_sensor
from .lake import LAKE_ASSETS
from .pipeline import PIPELINE_ASSETS
from .resources import make_resources

# Dagster's own in-process-or-multiprocess executor, with in_process as its default instead of multiprocess, for
# every job, the UI's "Materialize" (__ASSET_JOB) included: a step process costs about 10 s to start here
# (imports), more than most steps' work, and one process holds the writer lock for the whole run. The
# launchpad can still ask for `execution: {config: {multiprocess: {}}}` (a very large backfill).
_executor = dg.multi_or_in_process_executor
executor = dg.ExecutorDefinition(
    name=_executor.name, description=_executor.description,
    config_schema=dg.Field(_executor.config_schema.config_type, default_value={"in_process": {}}),
    executor_creation_fn=_executor.executor_creation_fn, requirements=_executor.get_requirements)

defs = dg.Definitions(
    assets=[*PIPELINE_ASSETS, *LAKE_ASSETS],
    executor=executor,
    jobs=[capex_job, lake_job],
    schedules=[daily_schedule],
    sensors=[new_articles_sensor],
    resources=make_resources(),
)
