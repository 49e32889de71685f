"""The extractor alone: throughput on one core, accuracy on a corpus's truth, and seconds per MB as one
article grows."""

from __future__ import annotations

import gc
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from capex_pipeline import package_data
from capex_pipeline.articles import Article, read_corpus
from capex_pipeline.evaluate import FIELDS, Score, evaluate
from capex_pipeline.extract import extract, extract_article, extract_stream

from .machine import MB, extract_path_is_dagster_free, one_core


def _articles(folder: Path | str) -> list[Article]:
    return [a for a in read_corpus(folder) if isinstance(a, Article)]


# ---- extraction ---------------------------------------------------------------------------------------

def extraction_throughput(folder: Path | str, *, warmup: int = 200) -> dict[str, Any]:
    """Time the extraction alone over every article of `folder` (read beforehand) on one core, in windows grouped
    by language as `capex extract` and the claims step run it."""
    started = time.perf_counter()
    articles = _articles(folder)
    read_seconds = time.perf_counter() - started
    n_bytes = sum(len(a.text.encode("utf-8")) for a in articles)
    with one_core() as core:
        warm = time.perf_counter()  # compile grammars and load lexicons (and any models) outside the timing
        for a in articles[:warmup]:
            extract_article(a)
        warm_seconds = time.perf_counter() - warm
        gc.collect()
        cpu0, t0 = time.process_time(), time.perf_counter()
        mentions = sum(len(found) for _, found in extract_stream(articles))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"articles": len(articles), "mb": round(n_bytes / MB, 3), "mentions": mentions,
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "core": core,
            "mb_per_s": round(n_bytes / MB / seconds, 3) if seconds else None,
            "mentions_per_s": round(mentions / seconds, 1) if seconds else None,
            "articles_per_s": round(len(articles) / seconds, 1) if seconds else None,
            "read_seconds": round(read_seconds, 3), "warmup_seconds": round(warm_seconds, 3),
            "dagster_free_import": extract_path_is_dagster_free()}


def score_json(score: Score) -> dict[str, Any]:
    return {"amounts": score.tp + score.fn, "precision": round(score.precision, 4),
            "recall": round(score.recall, 4), "f1": round(score.f1, 4), "tp": score.tp, "fp": score.fp,
            "fn": score.fn}


def accuracy_on_truth(folder: Path | str, truth_jsonl: Path | str, *, examples: int = 15) -> dict[str, Any]:
    """Precision, recall and F1 of the extractor on the generated truth (capex_pipeline.evaluate), with field
    accuracy, per-language scores and a few of the misses."""
    total, by_lang = evaluate(Path(truth_jsonl), Path(folder))
    kinds: dict[str, int] = defaultdict(int)
    for miss in total.misses:
        head = miss.split(" ", 1)[0]
        kinds[head if head != "FIELD" else "FIELD " + miss.rsplit(": gold", 1)[0].rsplit(" ", 1)[-1]] += 1
    return {**score_json(total),
            "fields": {f: (round(a, 4) if (a := total.accuracy(f)) is not None else None) for f in FIELDS},
            "by_lang": {lang: score_json(s) for lang, s in sorted(by_lang.items())},
            "miss_counts": dict(sorted(kinds.items())), "miss_examples": total.misses[:examples]}


def article_size_scaling(sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Seconds per MB of extraction on one article of growing size: real seed text (the English seed's
    paragraphs, repeated), so the time per mention must stay flat for the whole to be linear."""
    seed = package_data.seeds_dir() / "001_b798d506f950bd53.txt"
    paragraphs = [p for p in seed.read_text(encoding="utf-8").split("\n") if p.strip()]
    extract("\n".join(paragraphs), lang="en")  # compile the grammar outside the timing
    rows = []
    for size in sizes:
        chunks, length, i = [], 0, 0
        while length < size:
            chunks.append(paragraphs[i % len(paragraphs)])
            length += len(chunks[-1].encode()) + 1
            i += 1
        text = "\n".join(chunks)
        start = time.perf_counter()
        found = extract(text, lang="en")
        seconds = time.perf_counter() - start
        mb = len(text.encode()) / 1e6
        rows.append({"bytes": len(text.encode()), "seconds": round(seconds, 3), "mentions": len(found),
                     "seconds_per_mb": round(seconds / mb, 3)})
        print(f"capex bench: one article of {mb:8.3f} MB: {seconds:8.3f} s, {seconds / mb:6.3f} s/MB, "
              f"{len(found)} mentions", file=sys.stderr, flush=True)
    return rows
