"""No single file can stop, hang or crash a run: one writer on every path (the writer lock lives in the
warehouse resource), dead runs marked failed (by `capex run` and by Dagster's run monitoring daemon), and a
read-only or full disk reported in one line. Real processes, real Dagster instances, real DuckDB files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import dagster as dg
import pytest

from capex_app.bench.ui_run import stop_group
from capex_pipeline import package_data, warehouse

from .conftest import REPO, SEEDS, rows

CAPEX = REPO / ".venv" / "bin" / "capex"
BIN = REPO / ".venv" / "bin"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME with the project's instance configuration (run monitoring, the health-checking launcher)."""
    path = tmp_path / "home"
    path.mkdir()
    shutil.copyfile(REPO / "assets" / "dagster.yaml", path / "dagster.yaml")
    return path


def _wait_for_line(log: Path, marker: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while marker not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s"
        time.sleep(0.2)


def _start(args: list[str], log: Path, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, **kwargs)


def test_writer_lock_has_one_holder_and_dies_with_it(tmp_path: Path) -> None:
    db = tmp_path / "capex.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from capex_pipeline import warehouse\n"
                               "with warehouse.writer_lock(Path(sys.argv[1])):\n"
                               "    print('holding', flush=True); time.sleep(60)", str(db)],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        waited: list[float] = []
        threading.Timer(1.0, holder.kill).start()  # SIGKILL: no chance to release anything itself
        started = time.monotonic()
        # re-entrant in one process, as the CLI holds it around its run whose resource takes it again
        with warehouse.writer_lock(db, on_wait=lambda: waited.append(time.monotonic())), warehouse.writer_lock(db):
            acquired = time.monotonic() - started
        assert waited and 0.5 < acquired < 10  # waited for the holder, and the kernel released its lock on SIGKILL
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_a_cli_run_and_a_dagster_run_at_once_end_consistent(corpus: Path, tmp_path: Path, home: Path) -> None:
    db = tmp_path / "capex.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "CAPEX_DB": str(db), "CAPEX_ARTICLES": str(SEEDS)}
    (corpus / "104_new.txt").write_text("Meta said it will spend $65 billion on AI data centres in 2025.\n")
    cli_log, job_log = tmp_path / "cli.log", tmp_path / "job.log"
    cli = _start([str(CAPEX), "run", "--articles", str(corpus)], cli_log, {**env, "CAPEX_LOG_LEVEL": "DEBUG"})
    _wait_for_line(cli_log, 'Started execution of step "raw_articles"', cli)
    # the job as Dagster runs it outside `capex run` (here Dagster's own CLI; the UI, schedule and sensor launch
    # the same job with the same resources), on another corpus, while the CLI run is writing
    config = tmp_path / "in_process.yaml"
    config.write_text("execution:\n  config:\n    in_process: {}\n")
    job = _start([str(BIN / "dagster"), "job", "execute", "-m", "assets", "-j", "capex_job", "-c", str(config)],
                 job_log, env)
    try:
        assert cli.wait(timeout=300) == 0, cli_log.read_text()[-3000:]
        assert job.wait(timeout=300) == 0, job_log.read_text()[-3000:]
    finally:
        for process in (cli, job):
            with suppress(ProcessLookupError):
                process.kill()
    assert "another run (or another step of this one) is writing" in job_log.read_text()  # it waited its turn
    claims, usd_claims, usd_quarantined = rows(db, package_data.sql("reconcile.sql"))[0]
    for path in (db, warehouse.snapshot_path(db)):
        assert rows(path, "SELECT count(*) FROM marts.fct_claims") == [(claims - usd_quarantined,)]
        assert usd_claims == claims - usd_quarantined
        raw_docs = {d for (d,) in rows(path, "SELECT doc FROM raw.articles")}
        for table in ("staging.claims", "staging.usd_claims", "marts.fct_claims"):
            assert {d for (d,) in rows(path, f"SELECT DISTINCT doc FROM {table}")} <= raw_docs, table
        assert "104_new.txt" not in raw_docs  # the Dagster run, on the seeds, wrote last and wrote everything
    with dg.DagsterInstance.from_config(str(home)) as instance:
        statuses = [r.status for r in instance.get_runs()]
    assert statuses == [dg.DagsterRunStatus.SUCCESS] * 2


def _kill_when(args: list[str], marker: str, env: dict[str, str], log: Path) -> int:
    run = _start(args, log, env)
    _wait_for_line(log, marker, run)
    run.send_signal(signal.SIGKILL)
    run.wait()
    return run.pid


@pytest.mark.slow
def test_a_dead_run_does_not_hold_the_queue(tmp_path: Path, home: Path) -> None:
    """A `capex run` SIGKILLed mid-way, after raw_articles took the folder in, stays STARTED; the daemon's run
    monitoring marks it failed, and the sensor then queues a run (launched the way the UI launches, through the
    run queue) that completes the marts, with nobody cancelling anything."""
    config = home / "dagster.yaml"
    config.write_text(config.read_text().replace("poll_interval_seconds: 30", "poll_interval_seconds: 1"))
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    env = {**os.environ, "DAGSTER_HOME": str(home), "CAPEX_DB": str(tmp_path / "capex.duckdb"),
           "CAPEX_ARTICLES": str(articles)}
    pid = _kill_when([str(CAPEX), "run"], 'Started execution of step "claims"',
                     {**env, "CAPEX_LOG_LEVEL": "DEBUG"}, tmp_path / "cli.log")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        [dead] = instance.get_runs()
        assert dead.status == dg.DagsterRunStatus.STARTED
        taken_in = instance.get_latest_materialization_event(dg.AssetKey("raw_articles"))
        assert taken_in is not None and taken_in.run_id == dead.run_id  # the folder counts as materialized
        daemon = _start([str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"], tmp_path / "daemon.log", env,
                        start_new_session=True)
        try:
            deadline = time.monotonic() + 240
            while True:
                queued = [r for r in instance.get_runs() if r.tags.get("dagster/sensor_name") == "new_articles_sensor"]
                if queued and queued[0].status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE):
                    break
                assert daemon.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "daemon.log").read_text()[-3000:]
                time.sleep(1)
        finally:
            stop_group(daemon, 20)
        run = instance.get_run_by_id(dead.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
        [failure] = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert f"capex: its process {pid} on" in failure.message, failure.message
        assert queued[0].status == dg.DagsterRunStatus.SUCCESS, (tmp_path / "daemon.log").read_text()[-3000:]
    assert rows(tmp_path / "capex.duckdb", "SELECT count(*) FROM marts.fct_claims")[0][0] > 0


def _in_mount(directory: Path, options: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `args` in a private mount namespace where `directory` is a fresh tmpfs mounted with `options`: a real
    read-only or full file system without touching the machine's mounts."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to mount a private file system")
    script = 'mount -t tmpfs -o "$1" tmpfs "$0" || exit 97; shift; exec "$@"'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, str(directory), options, *args], env=env,
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    if result.returncode == 97:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    return result


def test_a_read_only_disk_gets_one_line(tmp_path: Path, home: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    done = _in_mount(ro, "ro", [str(CAPEX), "run", "--db", str(ro / "capex.duckdb")], env)
    assert done.returncode == 2
    assert done.stderr.strip() == f"capex: error: cannot write the database at {ro / 'capex.duckdb'}: " \
                                  "read-only file system"


@pytest.mark.slow
def test_a_full_disk_gets_one_line_and_no_partial_copy(tmp_path: Path, home: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    # room for the warehouse (2.6 MB on the seeds) but not for its published copy as well
    done = _in_mount(full, "size=4000k", [
        "sh", "-c", f'"$0" run --db "{full}/capex.duckdb"; echo "exit $?"; ls -a "{full}"', str(CAPEX)], env)
    assert "exit 2" in done.stdout, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"capex: error: cannot publish the snapshot {full / 'capex.published.duckdb'}: " \
                   "no space left on device"
    assert ".tmp" not in done.stdout  # the partial copy was removed
