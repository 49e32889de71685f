"""Extraction on a real Dask cluster on loopback (`dask scheduler` and two `dask worker` processes from the
project's environment): the marts equal a local run's row for row, the workers did the extraction, a worker
killed mid-task costs a retry and not the result, and an unreachable scheduler is one line, not a hang."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from assets.resources import ClusterResource
from capex_pipeline import cluster

from .conftest import DEV2, MONTHS, mart_rows, month_folders, rows
from .dask_cluster import LoopbackCluster, die_once, loopback_cluster

pytestmark = pytest.mark.slow
CAPEX = Path(sys.executable).with_name("capex")
RUN_TIMEOUT_S = 300  # a hung run fails the test instead of the suite


def _capex(*args: str, env: dict[str, str] | None = None,
           timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (cluster.SCHEDULER_ENV, "DAGSTER_HOME", "CAPEX_DB")}
    return subprocess.run([str(CAPEX), *args], capture_output=True, text=True, timeout=timeout,
                          env=clean | (env or {}))


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory):
    with loopback_cluster(tmp_path_factory.mktemp("dask")) as running:
        yield running


def _worker_pids(address: str) -> dict[str, int]:
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        return client.run(os.getpid)  # worker address -> its process id


def _batches_by_worker(home: Path, asset: str, partition: str | None = None) -> dict[str, int]:
    instance = dg.DagsterInstance.from_config(str(home))
    event = instance.get_latest_materialization_event(dg.AssetKey(asset)) if partition is None else \
        instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset),
                                                              asset_partitions=[partition]), limit=1).records[0]
    metadata = event.asset_materialization.metadata
    assert metadata["extraction"].value.startswith("dask tcp://127.0.0.1:")
    return metadata["dask_batches_by_worker"].value


def test_a_backfill_on_the_cluster_equals_a_local_run(dask_cluster: LoopbackCluster, dev2_run: Path,
                                                      tmp_path: Path) -> None:
    articles, db, home = month_folders(tmp_path / "articles"), tmp_path / "capex.duckdb", tmp_path / "home"
    done = _capex("backfill", "--from", MONTHS[0], "--to", MONTHS[-1], "--articles", str(articles),
                  "--lake", str(tmp_path / "lake"), "--db", str(db), "--dask-scheduler", dask_cluster.address,
                  env={"DAGSTER_HOME": str(home)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(MONTHS)} of {len(MONTHS)} months published" in done.stdout
    assert mart_rows(db.with_name("capex.lake.duckdb")) == mart_rows(dev2_run)

    # the workers did the extraction: every month's batches were computed by the worker processes started here
    pids = _worker_pids(dask_cluster.address)
    assert sorted(pids.values()) == sorted(p.pid for p in dask_cluster.workers.values())
    used: set[str] = set()
    for month in MONTHS:
        done_by = _batches_by_worker(home, "lake_claims", month)
        assert set(done_by) <= set(pids) and sum(done_by.values()) >= 1
        used |= set(done_by)
    assert used == set(pids)


def test_a_run_on_the_cluster_equals_a_local_run(dask_cluster: LoopbackCluster, dev2_run: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`capex run`'s materialization with the scheduler in the environment only, as for runs launched from the UI
    (the resource reads it when the run executes; every Dask wait in the step is bounded)."""
    from assets.runner import run_pipeline

    monkeypatch.setenv(cluster.SCHEDULER_ENV, dask_cluster.address)
    db, home = tmp_path / "capex.duckdb", tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    outcome = run_pipeline(db=db, articles=DEV2)
    assert outcome.success, outcome.failures
    assert f"extraction on the Dask cluster at {dask_cluster.address}" in outcome.summary
    assert mart_rows(db) == mart_rows(dev2_run)
    pids = _worker_pids(dask_cluster.address)
    done_by = _batches_by_worker(home, "claims")
    assert set(done_by) == set(pids) and all(n > 0 for n in done_by.values())
    articles = rows(db, "SELECT count(*) FROM marts.dim_articles")[0][0]
    assert sum(done_by.values()) == -(-articles // -(-articles // 8))  # batches of ceil(n / (4 x 2 workers))


def test_the_ui_path_reads_the_scheduler_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ClusterResource().address() is None  # no scheduler: the local path
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    assert ClusterResource().address() == "tcp://127.0.0.1:8786"
    assert ClusterResource(scheduler="tcp://10.0.0.1:8786").address() == "tcp://10.0.0.1:8786"  # config wins


def test_a_worker_killed_mid_task_costs_a_retry_and_losing_all_fails(tmp_path: Path) -> None:
    marker = tmp_path / "killed-once"
    with loopback_cluster(tmp_path, workers=2) as own, cluster.connect(own.address) as client:
        mapper = cluster.ClusterMap(client, task_timeout=60)  # never a hang, whatever happens to the workers
        results = list(mapper(die_once, [(str(marker), i) for i in range(6)]))
        assert results == [0, 2, 4, 6, 8, 10]
        assert marker.exists()
        dead = [p for p in own.workers.values() if p.poll() is not None]
        assert [p.returncode for p in dead] == [-signal.SIGKILL]  # exactly one worker died, killed
        assert len(mapper.done_by) == 1 and sum(mapper.done_by.values()) == 6  # the survivor did it all
        # and when the last worker dies too, Dask would wait for a new one forever: the map fails instead
        with pytest.raises(cluster.ClusterUnavailable, match="are its workers alive"):
            list(cluster.ClusterMap(client, task_timeout=5)(die_once, [(str(tmp_path / "killed-again"), 1)]))


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    db = tmp_path / "capex.duckdb"
    done = _capex("run", "--db", str(db), "--dask-scheduler", address, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"capex: error: cannot reach the Dask scheduler at {address}: Timed out trying to connect to {address} "
        f"after {cluster.CONNECT_TIMEOUT_S} s"]
    assert not db.exists()  # nothing ran

