"""The consensus chart: reported USD ranges per company and year (matplotlib, rendered off-screen)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import polars as pl


def consensus_chart(consensus: pl.DataFrame, path: Path) -> Path:
    """Horizontal low-high bars with the median marked, one row per company / year / metric. Drawn again only
    when its rows or this module changed (the key beside the PNG says what it was drawn from): most new
    articles leave the charted groups as they were, and drawing costs a matplotlib import (0.4-0.9 s) and
    0.3 s of drawing per run."""
    key = hashlib.sha256(consensus.write_csv().encode() + Path(__file__).read_bytes()).hexdigest()
    stamp = path.with_name(path.name + ".key")
    if path.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return path
    stamp.unlink(missing_ok=True)  # written after the PNG: an interrupted drawing is drawn again
    draw_consensus(consensus, path)
    stamp.write_text(key, encoding="utf-8")
    return path


def draw_consensus(consensus: pl.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = consensus.filter(pl.col("usd_high").is_not_null()).sort(["company", "year", "metric"], nulls_last=True)
    labels = [f"{r['company']} {r['year'] or 'n/a'} {r['metric']}" for r in rows.iter_rows(named=True)]
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(labels), 2) + 1.2), dpi=110)
    for i, r in enumerate(rows.iter_rows(named=True)):
        low, high, median = (r[k] / 1e9 for k in ("usd_low", "usd_high", "usd_median"))
        ax.plot([low, high], [i, i], linewidth=7, solid_capstyle="butt", color="#4c78a8", alpha=0.55,
                marker="o", markersize=5)
        ax.plot([median], [i], marker="|", markersize=16, color="#e45756")
        ax.annotate(f"{r['figures']} fig., {r['sources']} src", (high, i), xytext=(6, -3),
                    textcoords="offset points", fontsize=8, color="#555555")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("reported figure, USD billions (bar: low to high, red tick: median)")
    ax.set_title("AI spending as reported, by company, year and metric")
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.25)
    return save(fig, path)


def save(fig: Any, path: Path) -> Path:
    """A finished matplotlib figure as a PNG at `path` (folders made), the figure closed."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def markdown_image(path: Path, alt: str) -> str:
    """The PNG embedded in markdown (a data URI), so the Dagster UI shows it without a file server."""
    return f"![{alt}](data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})"
