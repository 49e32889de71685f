"""Worker scaling: the claims step's extraction of one corpus on the local path and on a loopback Dask cluster
of 1, 2, 4 ... single-threaded workers (`capex bench --dask-workers 1,2,4`), timed cold (the workers' first
batches pay their imports and grammar compilation) and warm (a second pass on the same workers), with the
output checked equal to the local path's."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from assets.pipeline import CLAIMS_BATCH, batch_size
from capex_pipeline import cluster, steps

from .loopback import loopback_cluster


def _articles(folder: Path) -> pl.DataFrame:
    frames: list[pl.DataFrame] = []
    steps.scan_articles(folder, max_bytes=10_000_000, index=None, key="", sink=lambda f, _: frames.append(f))
    return steps.article_keys(pl.concat(frames))


def _timed(articles: pl.DataFrame, size: int, mapper: cluster.ClusterMap | None) -> tuple[float, pl.DataFrame]:
    started = time.perf_counter()
    frame, _ = steps.extract_batches(articles.iter_slices(size), articles.height, mapper)
    return time.perf_counter() - started, frame


def worker_scaling(folder: Path, counts: Sequence[int], out: Path) -> dict[str, Any]:
    articles = _articles(folder)
    n, mb = articles.height, articles["text"].str.len_bytes().sum() / 1e6
    local_cold, expected = _timed(articles, CLAIMS_BATCH, None)  # the local path: a process pool from 2,000 on
    local_warm, _ = _timed(articles, CLAIMS_BATCH, None)
    rows: list[dict[str, Any]] = [{"workers": "local", "batch": CLAIMS_BATCH, "seconds_cold": round(local_cold, 2),
                                   "seconds_warm": round(local_warm, 2),
                                   "ms_per_article_warm": round(1000 * local_warm / n, 3)}]
    for count in counts:
        with loopback_cluster(out / f"dask_{count}_workers", workers=count) as running, \
                cluster.connect(running.address) as client:
            cold_map, warm_map = cluster.ClusterMap(client), cluster.ClusterMap(client)
            size = batch_size(n, cold_map)
            cold, frame = _timed(articles, size, cold_map)
            warm, again = _timed(articles, size, warm_map)
        assert frame.equals(expected) and again.equals(expected), "the cluster's claims differ from the local path's"
        rows.append({"workers": count, "batch": size, "seconds_cold": round(cold, 2), "seconds_warm": round(warm, 2),
                     "ms_per_article_warm": round(1000 * warm / n, 3), "articles_per_s_warm": round(n / warm, 1),
                     "batches_by_worker": dict(warm_map.done_by)})
    base = next((r["seconds_warm"] for r in rows if r["workers"] == 1), None)
    for row in rows[1:]:
        row["speedup_vs_1_worker"] = round(base / row["seconds_warm"], 2) if base else None
    return {"articles": n, "mb": round(mb, 2), "claims": expected.height, "rows": rows}


def scaling_table(result: dict[str, Any]) -> str:
    from .report import fmt

    lines = [f"extraction of {result['articles']} articles ({result['mb']} MB, {result['claims']} claims):",
             f"{'workers':>8} {'batch':>6} {'cold s':>8} {'warm s':>8} {'ms/article':>11} {'speed-up':>9}"]
    for r in result["rows"]:
        lines.append(f"{r['workers']!s:>8} {fmt(r.get('batch')):>6} {fmt(r.get('seconds_cold')):>8} "
                     f"{fmt(r['seconds_warm']):>8} {fmt(r.get('ms_per_article_warm')):>11} "
                     f"{fmt(r.get('speedup_vs_1_worker')):>9}")
    return "\n".join(lines)
