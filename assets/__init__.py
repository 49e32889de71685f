"""The Dagster layer: thin wrappers over capex_pipeline (assets, gates, jobs, schedule, sensor)."""

from __future__ import annotations

import dagster as dg

from .automation import capex_job, daily_schedule, new_articles_sensor
from .pipeline import PIPELINE_ASSETS
from .resources import make_resources

defs = dg.Definitions(
    assets=PIPELINE_ASSETS,
    jobs=[capex_job],
    schedules=[daily_schedule],
    sensors=[new_articles_sensor],
    resources=make_resources(),
)
