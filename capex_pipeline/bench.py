"""Benchmarks: extraction throughput, accuracy on generated truth, the end-to-end Dagster run, and a peer.

    python -m capex_pipeline.bench [--sizes 10000,100000 | --quick] [--out /tmp/capex_bench]

generates (or reuses) a seeded corpus per size (`corpus_gen`), times the extractor alone on one core, scores
it on the corpus truth, runs the whole pipeline in a fresh process (wall time, peak RSS, per-asset step
times, then the incremental case of one new article), compares with Microsoft Recognizers-Text (the
optional `bench` extra) and prints a table and a JSON summary with the machine description.

Dagster is imported only by the end-to-end run, in its own process.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import corpus_gen, package_data
from .articles import Article, read_corpus
from .evaluate import FIELDS, Score, evaluate, predicted_amounts, score_document
from .extract import extract_article

DEFAULT_OUT = Path("/tmp/capex_bench")
QUICK_SIZES = (200, 1000)
DEFAULT_SIZES = (10_000, 100_000)
PEER_MISSING = "peer not installed: pip install .[bench]"
REPO = Path(__file__).resolve().parents[1]
SHARED_GOLD = (("seeds", REPO.parent / "shared" / "seeds", REPO.parent / "shared" / "gold" / "seeds.jsonl"),
               ("dev", REPO.parent / "shared" / "gold" / "dev" / "articles",
                REPO.parent / "shared" / "gold" / "dev.jsonl"))
MB = 1e6


# ---- machine -----------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    """Platform, CPU model, cores and memory of this machine."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024**2, 1)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "cores_usable": usable, "memory_gib": memory}


def code_version() -> dict[str, Any]:
    """The commit measured, and whether tracked files differ from it."""
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO)
        return out.stdout.strip() if out.returncode == 0 else ""

    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def extract_path_is_dagster_free() -> bool:
    """True when importing the CLI and the extractor (the `capex extract` path) leaves Dagster unimported."""
    code = "import capex_pipeline.cli, capex_pipeline.extract; import sys; print('dagster' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return out.stdout.strip().splitlines()[-1] == "False"


@contextlib.contextmanager
def _one_core() -> Iterator[int | None]:
    """Pin this process to a single CPU for the duration (where the platform allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


def _articles(folder: Path | str) -> list[Article]:
    return [a for a in read_corpus(folder) if isinstance(a, Article)]


# ---- extraction ---------------------------------------------------------------------------------------

def extraction_throughput(folder: Path | str, *, warmup: int = 200) -> dict[str, Any]:
    """Time `extract_article` alone over every article of `folder` (read beforehand) on one core."""
    started = time.perf_counter()
    articles = _articles(folder)
    read_seconds = time.perf_counter() - started
    n_bytes = sum(len(a.text.encode("utf-8")) for a in articles)
    with _one_core() as core:
        warm = time.perf_counter()  # compile grammars and load lexicons (and any models) outside the timing
        for a in articles[:warmup]:
            extract_article(a)
        warm_seconds = time.perf_counter() - warm
        gc.collect()
        mentions = 0
        cpu0, t0 = time.process_time(), time.perf_counter()
        for a in articles:
            mentions += len(extract_article(a))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"articles": len(articles), "mb": round(n_bytes / MB, 3), "mentions": mentions,
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "core": core,
            "mb_per_s": round(n_bytes / MB / seconds, 3) if seconds else None,
            "mentions_per_s": round(mentions / seconds, 1) if seconds else None,
            "articles_per_s": round(len(articles) / seconds, 1) if seconds else None,
            "read_seconds": round(read_seconds, 3), "warmup_seconds": round(warm_seconds, 3),
            "dagster_free_import": extract_path_is_dagster_free()}


def _score_json(score: Score) -> dict[str, Any]:
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
    return {**_score_json(total),
            "fields": {f: (round(a, 4) if (a := total.accuracy(f)) is not None else None) for f in FIELDS},
            "by_lang": {lang: _score_json(s) for lang, s in sorted(by_lang.items())},
            "miss_counts": dict(sorted(kinds.items())), "miss_examples": total.misses[:examples]}


# ---- end to end ---------------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    """Peak resident set size of this process and its waited-for children, in MB (Linux reports KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return round(max(own, children) / MB, 1)


def _step_times(instance: Any, run_id: str) -> dict[str, dict[str, Any]]:
    """Seconds per step (asset) from the run's STEP_START / STEP_SUCCESS / STEP_FAILURE events."""
    started: dict[str, float] = {}
    out: dict[str, dict[str, Any]] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            out[event.step_key] = {"seconds": round(entry.timestamp - started[event.step_key], 3),
                                   "status": "success" if kind == "STEP_SUCCESS" else "failure"}
    return out


def _table_counts(db: Path) -> dict[str, int]:
    import duckdb

    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                             "WHERE table_schema IN ('raw', 'staging', 'marts', 'quality')").fetchall()
        for (table,) in sorted(tables):
            out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def e2e_inprocess(folder: Path | str, db: Path | str) -> dict[str, Any]:
    """Run the whole pipeline in this process (`capex run`); meant for a fresh process, so that the peak
    RSS is the run's own."""
    t0 = time.perf_counter()
    from assets.runner import instance_for, run_pipeline  # Dagster is imported here only

    import_seconds = time.perf_counter() - t0
    db = Path(db)
    outcome = run_pipeline(db=db, articles=Path(folder))
    steps = _step_times(instance_for(db), outcome.run_id)
    return {"success": outcome.success, "run_id": outcome.run_id, "run_seconds": round(outcome.seconds, 3),
            "import_seconds": round(import_seconds, 3), "steps": steps, "failures": outcome.failures,
            "checks": outcome.checks, "tables": _table_counts(db), "peak_rss_mb": _peak_rss_mb()}


def _latest_run_steps(db: Path) -> dict[str, Any]:
    """Step times of the latest run in the bench instance beside `db`, including a step still running
    (for a run that was stopped): read in a fresh process so that this one never imports Dagster."""
    code = ("import json, sys, time, dagster as dg; from capex_pipeline.bench import _step_times; "
            "inst = dg.DagsterInstance.get(); runs = inst.get_runs(limit=1); "
            "logs = inst.all_logs(runs[0].run_id) if runs else []; "
            "steps = _step_times(inst, runs[0].run_id) if runs else {}; "
            "open_ = [e for e in logs if e.dagster_event and e.dagster_event.event_type_value == 'STEP_START' "
            "and e.dagster_event.step_key not in steps]; "
            "steps.update({e.dagster_event.step_key: {'seconds': round(time.time() - e.timestamp, 3), "
            "'status': 'unfinished'} for e in open_}); print(json.dumps(steps))")
    env = dict(os.environ, DAGSTER_HOME=str(db.parent / "dagster_home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 and out.stdout.strip() else {}


def _e2e_subprocess(folder: Path, db: Path, timeout: float | None) -> dict[str, Any]:
    """One end-to-end run in a fresh process; its peak RSS is also sampled from here (psutil, if installed),
    which covers a run stopped at `timeout`."""
    env = dict(os.environ)
    env["DAGSTER_HOME"] = str(db.parent / "dagster_home")  # keep bench runs out of the project's instance
    cmd = [sys.executable, "-m", "capex_pipeline.bench", "e2e", "--articles", str(folder), "--db", str(db)]
    try:
        import psutil
    except ImportError:
        psutil = None
    t0 = time.perf_counter()
    sampled = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          cwd=REPO) as proc:
        watched = psutil.Process(proc.pid) if psutil else None
        timed_out = False
        while True:
            try:
                stdout, stderr = proc.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if watched is not None:
                    with contextlib.suppress(psutil.Error):
                        sampled = max(sampled, watched.memory_info().rss)
                if timeout is not None and time.perf_counter() - t0 > timeout:
                    proc.kill()
                    stdout, stderr = proc.communicate()
                    timed_out = True
                    break
    wall = time.perf_counter() - t0
    rss = round(sampled / MB, 1) if sampled else None
    if timed_out:
        return {"timed_out": True, "timeout_seconds": timeout, "wall_seconds": round(wall, 1),
                "peak_rss_mb_sampled": rss, "steps": _latest_run_steps(db)}
    if proc.returncode != 0:
        killed = -proc.returncode if proc.returncode < 0 else None
        reason = (stderr or stdout).strip().splitlines()[-5:] or \
            [f"killed by signal {killed}" + (" (SIGKILL: the kernel's OOM killer, if nobody else)" if killed == 9
                                            else "") if killed else f"exit status {proc.returncode}"]
        return {"error": reason, "returncode": proc.returncode, "wall_seconds": round(wall, 3),
                "peak_rss_mb_sampled": rss, "steps": _latest_run_steps(db)}
    return {**json.loads(stdout.strip().splitlines()[-1]), "wall_seconds": round(wall, 3),
            "peak_rss_mb_sampled": rss}


def end_to_end(folder: Path | str, db_path: Path | str, *, seed: int = 0,
               timeout: float | None = None, incremental: bool = True) -> dict[str, Any]:
    """A cold `capex run` of the corpus into a new database in a fresh process (wall time including imports,
    peak RSS, step times, table counts), then the incremental case: one new article, the same database."""
    folder, db = Path(folder), Path(db_path)
    if db.parent.exists():
        shutil.rmtree(db.parent)
    db.parent.mkdir(parents=True)
    cold = _e2e_subprocess(folder, db, timeout)
    out: dict[str, Any] = {"cold": cold}
    if incremental and cold.get("success"):
        n = sum(1 for _ in (folder / corpus_gen.TRUTH_FILE).open(encoding="utf-8"))
        truth = folder / corpus_gen.TRUTH_FILE
        saved = truth.read_bytes()
        added = corpus_gen.add_article(folder, n, seed)
        try:
            out["incremental"] = {"added": added.name, **_e2e_subprocess(folder, db, timeout)}
        finally:  # leave the corpus as generated
            added.unlink()
            truth.write_bytes(saved)
    return out


# ---- peer: Microsoft Recognizers-Text ----------------------------------------------------------------

_PEER_CULTURE = {"en": "en-us", "zh": "zh-cn", "fr": "fr-fr", "es": "es-es"}  # the others fall back to English
_PEER_UNITS = {
    "dollar": "USD", "united states dollar": "USD", "dólar": "USD", "dólar estadounidense": "USD",
    "dollar des états-unis": "USD", "dollar américain": "USD", "euro": "EUR", "chinese yuan": "CNY",
    "yuan": "CNY", "renminbi": "CNY", "yuan chinois": "CNY", "yuan chino": "CNY", "japanese yen": "JPY",
    "yen": "JPY", "yen japonais": "JPY", "yen japonés": "JPY", "south korean won": "KRW", "won": "KRW",
    "pound": "GBP", "british pound": "GBP", "pound sterling": "GBP", "livre sterling": "GBP",
    "libra esterlina": "GBP", "libra": "GBP", "livre": "GBP", "indian rupee": "INR", "rupee": "INR",
    "swedish krona": "SEK", "norwegian krone": "NOK",
}


def _peer_models() -> Any:
    """A function lang -> Recognizers-Text currency model, or None when the package is not installed."""
    try:
        from recognizers_number_with_unit import NumberWithUnitRecognizer
    except ImportError:
        return None
    cache: dict[str, Any] = {}

    def model(lang: str | None) -> Any:
        culture = _PEER_CULTURE.get(lang or "en", "en-us")
        if culture not in cache:
            cache[culture] = NumberWithUnitRecognizer(culture).get_currency_model(culture, True)
        return cache[culture]

    return model


def _peer_amounts(results: list[Any], unmapped: dict[str, int]) -> list[dict[str, Any]]:
    """Distinct (currency, value) amounts from Recognizers-Text results, shaped like `predicted_amounts`."""
    seen: dict[tuple[str, float], dict[str, Any]] = {}
    for r in results:
        res = r.resolution or {}
        if res.get("value") in (None, ""):
            continue
        currency = res.get("isoCurrency") or _PEER_UNITS.get(str(res.get("unit", "")).casefold())
        if not currency:
            unmapped[str(res.get("unit"))] += 1
            continue
        try:
            value = float(res["value"])
        except (TypeError, ValueError):
            continue
        key = (currency, round(value, 6))
        seen.setdefault(key, {"value": value, "currency": currency, "quotes": []})["quotes"].append(r.text)
    return list(seen.values())


def _compare(name: str, articles: list[Article], golds: dict[str, dict[str, Any]], model: Any) -> dict[str, Any]:
    ours, theirs = Score(), Score()
    our_lang: dict[str, Score] = defaultdict(Score)
    their_lang: dict[str, Score] = defaultdict(Score)
    unmapped: dict[str, int] = defaultdict(int)
    for a in articles[:3]:  # warm up both (grammar compilation, model construction)
        predicted_amounts(a)
        model(a.lang).parse(a.text)
    n_bytes = sum(len(a.text.encode("utf-8")) for a in articles)
    t0 = time.perf_counter()  # each system in its own pass over the same texts
    mine = [predicted_amounts(a) for a in articles]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = [model(a.lang).parse(a.text) for a in articles]
    t_theirs = time.perf_counter() - t0
    for a, our_amounts, peer_results in zip(articles, mine, peer, strict=True):
        gold = golds[a.doc]
        lang = gold.get("lang") or a.lang or "?"
        for score in (ours, our_lang[lang]):
            score_document(gold, our_amounts, score)
        their_amounts = _peer_amounts(peer_results, unmapped)
        for score in (theirs, their_lang[lang]):
            score_document(gold, their_amounts, score)
    return {"dataset": name, "articles": len(articles), "mb": round(n_bytes / MB, 4),
            "ours": {**_score_json(ours), "seconds": round(t_ours, 3),
                     "mb_per_s": round(n_bytes / MB / t_ours, 4) if t_ours else None},
            "peer": {**_score_json(theirs), "seconds": round(t_theirs, 3),
                     "mb_per_s": round(n_bytes / MB / t_theirs, 4) if t_theirs else None},
            "speedup": round(t_theirs / t_ours, 1) if t_ours else None,
            "f1_by_lang": {lang: {"ours": round(our_lang[lang].f1, 3), "peer": round(their_lang[lang].f1, 3)}
                           for lang in sorted(our_lang)},
            "peer_unmapped_units": dict(unmapped)}


def peer_comparison(folder: Path | str | None = None, truth_jsonl: Path | str | None = None, *,
                    limit: int = 300, shared: bool = True) -> dict[str, Any]:
    """Recognizers-Text's currency model against our extractor on the same texts: throughput (the extractor's
    speed-up) and P/R/F1 on the generated truth (first `limit` articles) and on the shared gold files."""
    model = _peer_models()
    if model is None:
        return {"skipped": PEER_MISSING}
    from importlib.metadata import PackageNotFoundError, version

    peer_version = None
    for package in ("recognizers-text-suite", "recognizers-text-number-with-unit"):
        with contextlib.suppress(PackageNotFoundError):
            peer_version = f"{package}=={version(package)}"
            break
    sets = []
    if folder is not None and truth_jsonl is not None:
        sets.append(("generated", Path(folder), Path(truth_jsonl), limit))
    if shared:
        sets += [(name, articles, gold, None) for name, articles, gold in SHARED_GOLD if gold.is_file()]
    results = []
    for name, articles_dir, gold_path, cap in sets:
        golds = {}
        with gold_path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    g = json.loads(line)
                    golds[g["doc"]] = g
                    if cap and len(golds) >= cap:
                        break
        meta = {d: {"lang": g.get("lang") or "", "published": g.get("published") or ""} for d, g in golds.items()}
        articles = [a for a in read_corpus(articles_dir, fallback=meta) if isinstance(a, Article) and a.doc in golds]
        results.append(_compare(name, articles, golds, model))
    return {"peer": "Microsoft Recognizers-Text currency model", "version": peer_version,
            "cultures": "en, zh, fr, es have a currency model; de, no, sv, ko, ja fall back to English",
            "results": results}


# ---- the benchmark ------------------------------------------------------------------------------------

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
    import hashlib

    h = hashlib.sha256()
    for name in ("corpus_gen.py", "corpus_templates.yaml"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


def _fmt(value: Any, spec: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec) if spec else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'articles':>9} {'MB':>7} {'gen s':>6} {'extract s':>9} {'MB/s':>6} {'mentions/s':>10} "
            f"{'F1':>6} {'e2e s':>7} {'RSS MB':>7} {'+1 art s':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        t, acc, e2e = r["throughput"], r.get("accuracy") or {}, r.get("end_to_end") or {}
        cold, inc = e2e.get("cold") or {}, e2e.get("incremental") or {}
        cold_s = "timeout" if cold.get("timed_out") else "failed" if cold.get("error") or \
            cold.get("success") is False else _fmt(cold.get("wall_seconds"), ".1f")
        lines.append(f"{t['articles']:>9} {t['mb']:>7.2f} {_fmt(r.get('generate_seconds'), '.1f'):>6} "
                     f"{t['seconds']:>9.2f} {t['mb_per_s']:>6.2f} {t['mentions_per_s']:>10.0f} "
                     f"{_fmt(acc.get('f1'), '.3f'):>6} {cold_s:>7} "
                     f"{_fmt(cold.get('peak_rss_mb') or cold.get('peak_rss_mb_sampled'), '.0f'):>7} "
                     f"{_fmt(inc.get('wall_seconds'), '.1f'):>8}")
    return "\n".join(lines)


def steps_table(rows: list[dict[str, Any]]) -> str:
    """Seconds per asset of each end-to-end run ('*': unfinished when the run was stopped)."""
    runs = [(f"{r['articles']} {kind}", e2e[kind]) for r in rows if (e2e := r.get("end_to_end"))
            for kind in ("cold", "incremental") if e2e.get(kind)]
    steps = list(dict.fromkeys(s for _, run in runs for s in run.get("steps") or {}))
    if not steps:
        return ""
    lines = [f"{'asset (s)':22}" + "".join(f"{name:>18}" for name, _ in runs)]
    for step in steps:
        cells = []
        for _, run in runs:
            t = (run.get("steps") or {}).get(step)
            cells.append("-" if t is None else f"{t['seconds']:.1f}" + ("*" if t["status"] == "unfinished" else
                                                                        "!" if t["status"] == "failure" else ""))
        lines.append(f"{step:22}" + "".join(f"{c:>18}" for c in cells))
    return "\n".join(lines)


def _size(text: str) -> int:
    """'10k', '1m', '5m' or a plain number of bytes."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def article_size_scaling(sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Seconds per MB of extraction on one article of growing size: real seed text (the English seed's
    paragraphs, repeated), so the time per mention must stay flat for the whole to be linear."""
    from .extract import extract

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


def run(args: argparse.Namespace) -> int:
    """`capex bench`: the whole benchmark; prints a table and a JSON summary (also written under --out)."""
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in str(args.sizes).split(",") if s.strip())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"machine": machine(), "code": code_version(), "seed": args.seed,
                               "sizes": list(sizes), "runs": []}
    if args.article_sizes:
        summary["article_size_scaling"] = article_size_scaling([_size(s) for s in args.article_sizes.split(",")])
        if args.only_article_sizes:
            sizes = ()
    for n in sizes:
        print(f"capex bench: {n} articles ...", file=sys.stderr, flush=True)
        folder, truth, gen_seconds = _corpus(out, n, args.seed)
        row: dict[str, Any] = {"articles": n, "corpus": str(folder), "generate_seconds":
                               round(gen_seconds, 2) if gen_seconds is not None else None,
                               "throughput": extraction_throughput(folder)}
        if not args.no_accuracy:
            row["accuracy"] = accuracy_on_truth(folder, truth)
        if not args.no_e2e:
            row["end_to_end"] = end_to_end(folder, out / f"e2e_{n}" / "capex.duckdb", seed=args.seed,
                                           timeout=args.e2e_timeout)
        summary["runs"].append(row)
    if not args.no_peer and sizes:
        folder, truth, _ = _corpus(out, min(sizes), args.seed)
        summary["peer"] = peer_comparison(folder, truth, limit=args.peer_articles)
    print(table(summary["runs"]))
    if steps := steps_table(summary["runs"]):
        print("\n" + steps)
    peer = summary.get("peer") or {}
    if peer.get("skipped"):
        print(f"\n{peer['skipped']}")
    for r in peer.get("results", []):
        print(f"\npeer {r['dataset']:>9} ({r['articles']} articles): F1 ours {r['ours']['f1']:.3f} vs "
              f"Recognizers-Text {r['peer']['f1']:.3f}; extractor {_fmt(r['speedup'])}x faster")
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    (Path(args.json) if args.json else out / "bench_summary.json").write_text(text, encoding="utf-8")
    print(text)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="corpus sizes in articles, comma-separated (default: 10000,100000)")
    parser.add_argument("--quick", action="store_true", help=f"small sizes for a smoke run {QUICK_SIZES}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="work folder for corpora and databases")
    parser.add_argument("--json", help="write the JSON summary here (default: OUT/bench_summary.json)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end Dagster runs")
    parser.add_argument("--no-peer", action="store_true", help="skip the Recognizers-Text comparison")
    parser.add_argument("--no-accuracy", action="store_true", help="skip scoring on the generated truth")
    parser.add_argument("--peer-articles", type=int, default=300,
                        help="generated articles the (slow) peer is run on (default 300)")
    parser.add_argument("--article-sizes", metavar="SIZES",
                        help="also time extraction of one article of each size (e.g. 10k,100k,1m,5m): seconds per "
                             "MB should stay flat")
    parser.add_argument("--only-article-sizes", action="store_true", help="run only the --article-sizes part")
    parser.add_argument("--e2e-timeout", type=float, default=None, metavar="SECONDS",
                        help="stop an end-to-end run after this long and report it as timed out")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["e2e"]:  # the fresh process of one end-to-end run; prints one JSON line
        sub = argparse.ArgumentParser(prog="python -m capex_pipeline.bench e2e")
        sub.add_argument("--articles", required=True)
        sub.add_argument("--db", required=True)
        args = sub.parse_args(argv[1:])
        print(json.dumps(e2e_inprocess(args.articles, args.db), default=str))
        return 0
    parser = argparse.ArgumentParser(prog="python -m capex_pipeline.bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
