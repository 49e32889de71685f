"""The benchmark's tables for the terminal (drawn by the project's one table renderer, `render.table`): one row
per corpus size, and seconds per asset of each run."""

from __future__ import annotations

import math
from typing import Any

from capex_pipeline import render

SUMMARY_COLUMNS = ("articles", "MB", "gen s", "extract s", "MB/s", "mentions/s", "gen check F1", "e2e s", "RSS MB",
                   "tree PSS MB", "+1 art s", "+1 steps s", "+1 init s", "+1 RSS MB")


def fmt(value: Any, spec: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec) if spec else str(value)


def _rounded(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value, digits) if digits else round(value)


def table(rows: list[dict[str, Any]]) -> str:
    body = []
    for r in rows:
        t, acc, e2e = r["throughput"], r.get("generated_check") or {}, r.get("end_to_end") or {}
        cold, inc = e2e.get("cold") or {}, e2e.get("incremental") or {}
        cold_s = "timeout" if cold.get("timed_out") else "failed" if cold.get("error") or \
            cold.get("success") is False else _rounded(cold.get("wall_seconds"), 1)
        body.append([t["articles"], _rounded(t["mb"], 2), _rounded(r.get("generate_seconds"), 1),
                     _rounded(t["seconds"], 2), _rounded(t["mb_per_s"], 2), _rounded(t["mentions_per_s"], 0),
                     _rounded(acc.get("f1"), 3), cold_s,
                     _rounded(cold.get("peak_rss_mb") or cold.get("peak_rss_mb_sampled"), 0),
                     _rounded(cold.get("peak_tree_pss_mb_sampled"), 0),
                     _rounded(inc.get("wall_seconds"), 1), _rounded(inc.get("step_seconds"), 2),
                     _rounded(inc.get("resource_init_seconds"), 2),
                     _rounded(inc.get("peak_rss_mb") or inc.get("peak_rss_mb_sampled"), 0)])
    return render.table(SUMMARY_COLUMNS, body)


def steps_table(rows: list[dict[str, Any]]) -> str:
    """Seconds per asset of each end-to-end run ('*': unfinished when the run was stopped, '!': failed)."""
    runs = [(f"{r['articles']} {kind}", e2e[kind]) for r in rows if (e2e := r.get("end_to_end"))
            for kind in ("cold", "incremental") if e2e.get(kind)]
    steps = list(dict.fromkeys(s for _, run in runs for s in run.get("steps") or {}))
    if not steps:
        return ""
    # the resources Dagster initialises before the first step (the GX import): a fixed cost, shown apart
    body: list[list[Any]] = [["(resource init)", *(fmt(run.get("resource_init_seconds"), ".1f") for _, run in runs)]]
    for step in steps:
        cells: list[Any] = [step]
        for _, run in runs:
            t = (run.get("steps") or {}).get(step)
            mark = {"unfinished": "*", "failure": "!"}.get(t["status"], "") if t else ""
            cells.append(None if t is None else f"{t['seconds']:.1f}{mark}")
        body.append(cells)
    return render.table(["asset (s)", *(name for name, _ in runs)], body)
