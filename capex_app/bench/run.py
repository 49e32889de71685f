"""`capex bench`: generates (or reuses) a seeded corpus per size, times the extractor alone on one core, scores
it on the corpus truth, runs the whole pipeline in fresh processes, compares with Recognizers-Text, and
prints a table and a JSON summary with the machine description.

    python -m capex_app.bench [--sizes 10000,100000 | --quick] [--out /tmp/capex_bench]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from capex_pipeline import package_data

from . import corpus_gen
from .end_to_end import e2e_inprocess, end_to_end
from .extraction import accuracy_on_truth, article_size_scaling, extraction_throughput
from .machine import code_version, machine
from .options import QUICK_SIZES, REAL_MB, add_arguments
from .peer import peer_comparison
from .real_text import real_text_throughput
from .report import fmt, steps_table, table


def _corpus(out: Path, n: int, seed: int) -> tuple[Path, Path, float | None]:
    """The corpus of `n` articles for `seed` under `out`, generated unless an identical one is there."""
    folder = out / f"corpus_{n}_seed{seed}"
    stamp = folder / ".corpus.json"
    truth = folder / corpus_gen.TRUTH_FILE
    key = {"n": n, "seed": seed, "generator": _fingerprint()}
    if stamp.is_file() and truth.is_file() and json.loads(stamp.read_text()) == key:
        return folder, truth, None
    t0 = time.perf_counter()
    corpus_gen.generate(folder, n, seed)
    seconds = time.perf_counter() - t0
    stamp.write_text(json.dumps(key))
    return folder, truth, seconds


def _fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("corpus_gen.py", "corpus_templates.yaml"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


def _size(text: str) -> int:
    """'10k', '1m', '5m' or a plain number of bytes."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def run(args: argparse.Namespace) -> int:
    """`capex bench`: the whole benchmark; prints a table and a JSON summary (also written under --out)."""
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in str(args.sizes).split(",") if s.strip())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"machine": machine(), "code": code_version(), "seed": args.seed,
                               "sizes": list(sizes), "runs": []}
    if args.dask_workers:
        from .workers import scaling_table, worker_scaling

        counts = [int(c) for c in args.dask_workers.split(",") if c.strip()]
        print(f"capex bench: {sizes[0]} articles on the local path and on {counts} Dask workers ...",
              file=sys.stderr, flush=True)
        summary["worker_scaling"] = worker_scaling(_corpus(out, sizes[0], args.seed)[0], counts, out)
        print(scaling_table(summary["worker_scaling"]))
        _write_summary(args, out, summary)
        return 0
    if args.article_sizes:
        summary["article_size_scaling"] = article_size_scaling([_size(s) for s in args.article_sizes.split(",")])
        if args.only_article_sizes:
            sizes = ()
    real_mb = args.real_mb if args.real_mb is not None else (1.0 if args.quick else REAL_MB)
    if real_mb and not args.only_article_sizes:
        print(f"capex bench: whole `capex extract` on {real_mb:g} MB of real articles ...", file=sys.stderr, flush=True)
        summary["real_text"] = real_text_throughput(out, real_mb)
    for n in sizes:
        print(f"capex bench: {n} articles ...", file=sys.stderr, flush=True)
        folder, truth, gen_seconds = _corpus(out, n, args.seed)
        row: dict[str, Any] = {"articles": n, "corpus": str(folder), "generate_seconds":
                               round(gen_seconds, 2) if gen_seconds is not None else None,
                               "throughput": extraction_throughput(folder)}
        if args.check_generated:
            row["generated_check"] = accuracy_on_truth(folder, truth)
        if not args.no_e2e:
            row["end_to_end"] = end_to_end(folder, out / f"e2e_{n}" / "capex.duckdb", seed=args.seed,
                                           timeout=args.e2e_timeout)
        summary["runs"].append(row)
    if args.ui:
        print("capex bench: the seed corpus launched from the UI and from the command line ...", file=sys.stderr,
              flush=True)
        from .ui_run import ui_vs_cli

        summary["ui_run"] = ui_vs_cli(package_data.seeds_dir(), out / "ui_run")
    if not args.no_peer and sizes:
        folder, truth, _ = _corpus(out, min(sizes), args.seed)
        summary["peer"] = peer_comparison(folder, truth, limit=args.peer_articles)
    print(table(summary["runs"]))
    if steps := steps_table(summary["runs"]):
        print("\n" + steps)
    if (real := summary.get("real_text")) and "runs" in real:
        print(f"\nreal articles, whole `capex extract` on one core: {real['mb']:.1f} MB, {real['articles']} files, "
              f"{real['runs']['corpus']['wall_seconds']:.1f} s ({real['mb_per_s_whole']:.2f} MB/s with start-up; "
              f"{fmt(real['mb_per_s_steady'])} MB/s without its {real['startup_cpu_seconds']:.1f} s), "
              f"peak {real['runs']['corpus']['peak_rss_mb']:.0f} MB")
    if ui := summary.get("ui_run"):
        print(f"\nseed corpus launched from the UI: {fmt(ui['ui'].get('seconds'))} s (queued "
              f"{fmt(ui['ui'].get('queued_seconds'))} s, run worker {fmt(ui['ui'].get('worker_seconds'))} s; "
              f"{ui['ui'].get('executor')}); `capex run`: {fmt(ui['cli']['seconds'])} s; "
              f"ratio {fmt(ui['ui_over_cli'])}")
    peer = summary.get("peer") or {}
    if peer.get("skipped"):
        print(f"\n{peer['skipped']}")
    for r in peer.get("results", []):
        print(f"\npeer {r['dataset']:>9} ({r['articles']} articles): F1 ours {r['ours']['f1']:.3f} vs "
              f"Recognizers-Text {r['peer']['f1']:.3f}; extractor {fmt(r['speedup'])}x faster")
    from .plot import scaling_plot

    if plot := scaling_plot(summary["runs"], out / "scaling.png"):
        summary["plot"] = str(plot)
        print(f"\nplot: {plot}")
    _write_summary(args, out, summary)
    return 0


def _write_summary(args: argparse.Namespace, out: Path, summary: dict[str, Any]) -> None:
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    (Path(args.json) if args.json else out / "bench_summary.json").write_text(text, encoding="utf-8")
    print(text)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["e2e"]:  # the fresh process of one end-to-end run; prints one JSON line
        sub = argparse.ArgumentParser(prog="python -m capex_app.bench e2e")
        sub.add_argument("--articles", required=True)
        sub.add_argument("--db", required=True)
        args = sub.parse_args(argv[1:])
        print(json.dumps(e2e_inprocess(args.articles, args.db), default=str))
        return 0
    parser = argparse.ArgumentParser(prog="python -m capex_app.bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))

