"""The scaling plot of `capex bench`: seconds and peak memory against corpus size, cold and one new article."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def scaling_plot(runs: list[dict[str, Any]], out: Path) -> Path | None:
    """Two panels (time, peak RSS) over the sizes that ran end to end; None when fewer than one did."""
    points = sorted((r["articles"], r["end_to_end"]) for r in runs if (r.get("end_to_end") or {}).get("cold"))
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [n for n, _ in points]

    def series(kind: str, *keys: str) -> list[float | None]:
        return [next((e[kind][k] for k in keys if (e.get(kind) or {}).get(k) is not None), None) for _, e in points]

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=110)
    for label, values in (("cold run, wall s", series("cold", "wall_seconds")),
                          ("+1 article, wall s", series("incremental", "wall_seconds")),
                          ("+1 article, step work s", series("incremental", "step_seconds"))):
        left.plot(sizes, values, marker="o", label=label)
    left.axhline(3, color="grey", linestyle=":", linewidth=1, label="target: +1 article step work 3 s")
    left.set(xscale="log", xlabel="articles", ylabel="seconds", title="time")
    for label, values in (("cold run", series("cold", "peak_rss_mb", "peak_rss_mb_sampled")),
                          ("+1 article", series("incremental", "peak_rss_mb", "peak_rss_mb_sampled"))):
        right.plot(sizes, values, marker="o", label=label)
    right.axhline(400, color="grey", linestyle=":", linewidth=1, label="target: +1 article 400 MB")
    right.axhline(1000, color="grey", linestyle="--", linewidth=1, label="target: cold 100k 1 GB")
    right.set(xscale="log", xlabel="articles", ylabel="peak RSS (MB)", title="memory")
    for axis in (left, right):
        axis.legend(fontsize=7)
        axis.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
