"""Images shown in place on an asset's page in the Dagster UI.

The UI renders a markdown metadata value in place only when it is shorter than 1,000 characters; longer ones,
such as an image inlined as a data URI, hide behind "[Show Markdown]". So the image is copied into the instance's
local compute-log folder, which the webserver of the same instance ($DAGSTER_HOME, shared by `capex run` and
`make ui`) serves at /logs/<folder>/<name>/<extension>, and the markdown holds only that short link. An
instance without a local log folder (an ephemeral one in tests, cloud log storage) gets the data URI instead.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import dagster as dg

from capex_pipeline import charts

FOLDER = "capex_charts"  # beside the runs' log folders, which are named by run id
KEEP = 20  # charts kept per name, so that recent materializations' events still show their own chart


def served_image(instance: dg.DagsterInstance, image: Path, name: str) -> str | None:
    """Copy `image` where the instance's webserver serves it and return its URL path (None when it cannot)."""
    # Only Dagster's LocalComputeLogManager has this method, and only its files does the webserver serve.
    local_path = getattr(instance.compute_log_manager, "get_captured_local_path", None)
    if local_path is None:
        return None
    # Named by content: a new chart gets a new URL (no stale browser cache), and earlier events keep theirs.
    stem = f"{name}-{hashlib.sha256(image.read_bytes()).hexdigest()[:16]}"
    extension = image.suffix.removeprefix(".")  # the webserver names the file's type by it
    target = Path(local_path([FOLDER, stem], extension))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(image, target)
    older = sorted((p for p in target.parent.glob(f"{name}-*{image.suffix}") if p != target),
                   key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in older[KEEP - 1:]:
        stale.unlink(missing_ok=True)
    return f"/logs/{FOLDER}/{stem}/{extension}"


def image_metadata(instance: dg.DagsterInstance, image: Path, name: str, alt: str) -> dict[str, dg.MetadataValue]:
    """`chart`: the image in place on the asset page (or behind [Show Markdown] without a served copy);
    `chart_file`: the image on disk."""
    url = served_image(instance, image, name)
    markdown = f"![{alt}]({url})" if url else charts.markdown_image(image, alt)
    return {"chart": dg.MetadataValue.md(markdown), "chart_file": dg.MetadataValue.path(str(image))}
