"""Whole `capex run`s of a corpus, each in a fresh process: wall time, peak RSS, seconds per asset and table
counts, cold and then with one new article. Dagster is imported only in the child process."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from capex_pipeline import tables, warehouse

from . import corpus_gen
from .machine import MB, REPO, peak_rss_mb


def step_times(instance: Any, run_id: str) -> dict[str, dict[str, Any]]:
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


def resource_init_seconds(instance: Any, run_id: str) -> dict[str, Any]:
    """How long Dagster took to initialise the run's resources (the GX import is there: a fixed cost of every
    run, outside the steps), from its RESOURCE_INIT_STARTED / RESOURCE_INIT_SUCCESS events; with each
    resource's own time as Dagster formats it."""
    started, seconds, each = None, 0.0, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "RESOURCE_INIT_STARTED":
            started = entry.timestamp
        elif event.event_type_value == "RESOURCE_INIT_SUCCESS" and started is not None:
            seconds += entry.timestamp - started
            metadata = event.event_specific_data.metadata if event.event_specific_data else {}
            each |= {k.removesuffix(":init_time"): v.value for k, v in metadata.items() if k.endswith(":init_time")}
            started = None
    return {"seconds": round(seconds, 3), "each": each}


def _table_counts(db: Path) -> dict[str, int]:
    out = {}
    with warehouse.connect(db, read_only=True) as con:
        names = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                            "WHERE list_contains(?, table_schema)", [list(tables.SCHEMAS)]).fetchall()
        for (table,) in sorted(names):
            out[table] = tables.scalar(con, f"SELECT count(*) FROM {table}")
    return out


def e2e_inprocess(folder: Path | str, db: Path | str) -> dict[str, Any]:
    """Run the whole pipeline in this process (`capex run`); meant for a fresh process, so that the peak
    RSS is the run's own."""
    t0 = time.perf_counter()
    from assets.runner import instance_for, run_pipeline  # Dagster is imported here only

    import_seconds = time.perf_counter() - t0
    db = Path(db)
    outcome = run_pipeline(db=db, articles=Path(folder))
    instance = instance_for(db)
    steps = step_times(instance, outcome.run_id)
    resources = resource_init_seconds(instance, outcome.run_id)
    # step_seconds: the assets' own work; resource_init_seconds: the run's fixed costs Dagster pays before the
    # first step (the GX import); the rest of run_seconds is Dagster's own start-up and bookkeeping
    return {"success": outcome.success, "run_id": outcome.run_id, "run_seconds": round(outcome.seconds, 3),
            "import_seconds": round(import_seconds, 3), "steps": steps,
            "step_seconds": round(sum(s["seconds"] for s in steps.values()), 3),
            "resource_init_seconds": resources["seconds"], "resource_init": resources["each"],
            "failures": outcome.failures,
            "checks": outcome.checks, "tables": _table_counts(db), "peak_rss_mb": peak_rss_mb()}


def _latest_run_steps(db: Path) -> dict[str, Any]:
    """Step times of the latest run in the bench instance beside `db`, including a step still running
    (for a run that was stopped): read in a fresh process so that this one never imports Dagster."""
    code = ("import json, sys, time, dagster as dg; from capex_app.bench.end_to_end import step_times; "
            "inst = dg.DagsterInstance.get(); runs = inst.get_runs(limit=1); "
            "logs = inst.all_logs(runs[0].run_id) if runs else []; "
            "steps = step_times(inst, runs[0].run_id) if runs else {}; "
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
    cmd = [sys.executable, "-m", "capex_app.bench", "e2e", "--articles", str(folder), "--db", str(db)]
    try:
        import psutil
    except ImportError:
        psutil = None
    t0 = time.perf_counter()
    sampled = tree = 0
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
                        tree = max(tree, _tree_pss(watched, psutil.Error))
                if timeout is not None and time.perf_counter() - t0 > timeout:
                    proc.kill()
                    stdout, stderr = proc.communicate()
                    timed_out = True
                    break
    wall = time.perf_counter() - t0
    rss = round(sampled / MB, 1) if sampled else None
    memory = {"peak_rss_mb_sampled": rss, "peak_tree_pss_mb_sampled": round(tree / MB, 1) if tree else None}
    if timed_out:
        return {"timed_out": True, "timeout_seconds": timeout, "wall_seconds": round(wall, 1),
                **memory, "steps": _latest_run_steps(db)}
    if proc.returncode != 0:
        killed = -proc.returncode if proc.returncode < 0 else None
        reason = (stderr or stdout).strip().splitlines()[-5:] or \
            [f"killed by signal {killed}" + (" (SIGKILL: the kernel's OOM killer, if nobody else)" if killed == 9
                                            else "") if killed else f"exit status {proc.returncode}"]
        return {"error": reason, "returncode": proc.returncode, "wall_seconds": round(wall, 3),
                **memory, "steps": _latest_run_steps(db)}
    return {**json.loads(stdout.strip().splitlines()[-1]), "wall_seconds": round(wall, 3), **memory}


def _tree_pss(proc: Any, error: type[Exception]) -> int:
    """Bytes of the run's process and its workers, shared pages counted once (PSS): the peak RSS of one process
    leaves out the extraction's worker processes, and a sum of RSS counts the pages they share with it twice."""
    total = 0
    for p in (proc, *proc.children(recursive=True)):
        with contextlib.suppress(error):
            total += p.memory_full_info().pss
    return total


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
