"""Whole `capex extract` over real-article text, as a user runs it: the evaluation corpus's articles (seeds,
dev, dev2) copied until the folder holds about N MB, one file per copy and no sidecar, so reading and
language detection are timed with the extraction. Start-up (imports, one grammar per language) is taken
out by also timing one copy of each article: steady MB/s = (MB_all - MB_one) / (CPU_all - CPU_one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from capex_pipeline import package_data

from .machine import MB, REPO

EVALUATION = REPO / "evaluation"
_SCRIPT = "import sys; from capex_app.cli import main; sys.exit(main())"


def source_articles() -> list[Path]:
    """The real articles the corpus is made of: seeds, then the evaluation corpus (absent from a wheel)."""
    folders = [package_data.seeds_dir(), EVALUATION / "dev" / "articles", EVALUATION / "dev2" / "articles"]
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.txt"))]


def real_corpus(folder: Path, mb: float, sources: list[Path]) -> Path:
    """`folder` filled with copies of `sources` (r0000_<name>, r0001_<name> ...) up to `mb` MB, at least one
    copy of each; reused when it already holds exactly that."""
    names: list[tuple[str, Path]] = []
    size, copy = 0, 0
    while copy == 0 or size < mb * MB:
        for path in sources:
            names.append((f"r{copy:04d}_{path.name}", path))
            size += path.stat().st_size
        copy += 1
    if folder.is_dir() and sorted(p.name for p in folder.iterdir()) == sorted(n for n, _ in names):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, path in names:
        shutil.copyfile(path, folder / name)
    return folder


def _pin(core: int | None) -> Any:
    if core is None or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {core})


def time_extract(folder: Path, output: Path, core: int | None) -> dict[str, Any]:
    """One `capex extract FOLDER --jsonl` process: wall and CPU seconds, peak memory, mentions written."""
    started = time.perf_counter()
    with output.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, "extract", str(folder), "--jsonl"], stdout=out,
                                stderr=subprocess.DEVNULL, preexec_fn=_pin(core), cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    with output.open("rb") as f:
        mentions = sum(1 for _ in f)
    return {"exit": proc.returncode, "wall_seconds": round(wall, 3),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "mentions": mentions}


def real_text_throughput(out: Path, mb: float) -> dict[str, Any]:
    """Whole-command throughput on about `mb` MB of real articles, one core, start-up taken out."""
    sources = source_articles()
    if not sources:
        return {"skipped": "no real articles found (the evaluation corpus is in the repository, not the wheel)"}
    full = real_corpus(out / f"real_{mb:g}mb", mb, sources)
    one = real_corpus(out / "real_one_copy", 0, sources)
    core = min(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    runs = {name: time_extract(folder, out / f"{folder.name}.jsonl", core) for name, folder in
            (("one_copy", one), ("corpus", full))}
    sizes = {name: sum(p.stat().st_size for p in folder.iterdir()) / MB for name, folder in
             (("one_copy", one), ("corpus", full))}
    steady_cpu = runs["corpus"]["cpu_seconds"] - runs["one_copy"]["cpu_seconds"]
    steady_mb = sizes["corpus"] - sizes["one_copy"]
    return {"articles": sum(1 for _ in full.iterdir()), "mb": round(sizes["corpus"], 3),
            "sources": len(sources), "core": core, "runs": runs,
            "mb_per_s_whole": round(sizes["corpus"] / runs["corpus"]["wall_seconds"], 3),
            "mb_per_s_steady": round(steady_mb / steady_cpu, 3) if steady_cpu > 0 else None,
            "startup_cpu_seconds": runs["one_copy"]["cpu_seconds"]}
