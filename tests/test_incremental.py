"""Unattended operation (issue 5): sensor and schedule, incremental runs equal to a full rebuild,
concurrent runs and readers, and crash safety — with real Dagster, real DuckDB files and real processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets import defs
from assets.automation import new_articles_sensor
from assets.pipeline import raw_articles
from assets.resources import make_resources
from capex_pipeline import marts, tables, warehouse

from .conftest import GOLD, REPO, SEEDS, materialize, rows

TABLES = ("staging.claims", "staging.usd_claims", "marts.fct_claims", "marts.dim_articles", "marts.capex_consensus",
          "marts.source_disagreements", "marts.fx_audit")


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every staging and mart table, in a canonical order (path-free columns only)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in TABLES:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = ? "
                "AND column_name <> 'path' ORDER BY ordinal_position", [table]).fetchall()]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f"SELECT {select} FROM {table} ORDER BY ALL").fetchall()
    return out


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> tuple[dg.RunRequest | dg.SkipReason, str | None]:
    """One evaluation of the sensor, as the daemon does it: the result and the cursor it leaves."""
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    return new_articles_sensor(context), context.cursor


def test_sensor_follows_additions_edits_deletions_renames_and_sources_csv(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPEX_ARTICLES", str(corpus))
    with dg.instance_for_test() as instance:
        first, cursor = _tick(instance, None)  # nothing materialized yet: build the warehouse
        assert isinstance(first, dg.RunRequest) and first.tags["capex/changes"] == "not materialized yet"
        keys = {first.run_key}
        again, cursor = _tick(instance, cursor)
        assert isinstance(again, dg.SkipReason)

        def change(expected: str) -> None:
            nonlocal cursor
            request, cursor = _tick(instance, cursor)
            assert isinstance(request, dg.RunRequest), request
            assert request.tags["capex/changes"] == expected
            assert request.run_key not in keys  # a new key: Dagster would drop a repeated one
            keys.add(request.run_key)
            assert isinstance(_tick(instance, cursor)[0], dg.SkipReason)  # once per change

        new = corpus / "900_new.txt"
        new.write_text("Meta will spend $65 billion on data centres this year.")
        change("added 900_new.txt")
        new.write_text("Meta will spend $70 billion on data centres this year, up from $65 billion.")
        change("edited 900_new.txt")
        kept = (corpus / "002_955dc46795f2f120.txt").read_bytes()
        (corpus / "002_955dc46795f2f120.txt").unlink()
        change("deleted 002_955dc46795f2f120.txt")
        (corpus / "001_b798d506f950bd53.txt").rename(corpus / "001_renamed.txt")
        change("added 001_renamed.txt; deleted 001_b798d506f950bd53.txt")
        sidecar = corpus / "sources.csv"
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("Reuters", "Reuters (edited)"),
                           encoding="utf-8")
        change("edited sources.csv")
        (corpus / "002_955dc46795f2f120.txt").write_bytes(kept)  # restored: the state differs again
        change("added 002_955dc46795f2f120.txt")
    repo = defs.get_repository_def()
    assert repo.get_schedule_def("daily_capex").cron_schedule == "0 6 * * *"
    assert repo.get_sensor_def("new_articles_sensor").job_name == "capex_job"
    # what a user who drops files into the folder expects: the sensor is on, the redundant daily run is opt-in
    assert repo.get_sensor_def("new_articles_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert repo.get_schedule_def("daily_capex").default_status == dg.DefaultScheduleStatus.STOPPED


def test_sensor_compares_with_what_the_warehouse_was_built_from(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPEX_ARTICLES", str(corpus))
    db = tmp_path / "capex.duckdb"
    with dg.instance_for_test() as instance:
        def build() -> None:
            result = dg.materialize([raw_articles], resources=make_resources(db, corpus), instance=instance,
                                    raise_on_error=False)
            assert result.success

        build()
        first, cursor = _tick(instance, None)  # a fresh sensor on an unchanged, materialized corpus
        assert isinstance(first, dg.SkipReason) and cursor
        assert "unchanged since the last materialization" in str(first.skip_message)
        (corpus / "002_955dc46795f2f120.txt").unlink()
        deleted, _ = _tick(instance, cursor)
        assert isinstance(deleted, dg.RunRequest)
        assert deleted.tags["capex/changes"] == "deleted 002_955dc46795f2f120.txt"
        assert isinstance(_tick(instance, None)[0], dg.RunRequest)  # a lost cursor still sees the deletion
        build()  # e.g. a `capex run` took the change in before the requested run
        assert isinstance(_tick(instance, cursor)[0], dg.SkipReason)
        monkeypatch.setenv("CAPEX_ARTICLES", str(SEEDS))  # another folder: what was built from this one counts not
        assert isinstance(_tick(instance, None)[0], dg.RunRequest)


def test_sensor_rebuilds_after_a_run_that_died_past_raw_articles(corpus: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """raw_articles took the folder in, then the run failed before the marts: the folder is not built yet."""
    monkeypatch.setenv("CAPEX_ARTICLES", str(corpus))

    @dg.asset(deps=[raw_articles])
    def dies() -> None:
        raise RuntimeError("killed before the marts")

    with dg.instance_for_test() as instance:
        result = dg.materialize([raw_articles, dies], resources=make_resources(tmp_path / "capex.duckdb", corpus),
                                instance=instance, raise_on_error=False)
        assert not result.success and result.asset_materializations_for_node("raw_articles")
        request, cursor = _tick(instance, None)
        assert isinstance(request, dg.RunRequest), request
        assert request.tags["capex/changes"] == f"run {result.run_id} stopped before the marts"
        assert isinstance(_tick(instance, cursor)[0], dg.SkipReason)  # asked once, not on every tick


def _edit_corpus(corpus: Path) -> None:
    """Change one article, delete one, add one and rename one."""
    de = corpus / "003_ca642059fae57875.txt"
    de.write_text(de.read_text(encoding="utf-8").replace("20 Milliarden US-Dollar (umgerechnet",
                                                         "25 Milliarden US-Dollar (umgerechnet"), encoding="utf-8")
    (corpus / "002_955dc46795f2f120.txt").unlink()
    shutil.copy(GOLD / "dev" / "articles" / "104_ko_meta-capex-range-93jo.txt", corpus / "104_ko.txt")
    (corpus / "001_b798d506f950bd53.txt").rename(corpus / "001_renamed.txt")


def _builds(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """How each derived mart was brought up to date in a run: rebuilt, updated or unchanged."""
    return {e.asset_key.to_user_string(): e.materialization.metadata["build"].value
            for e in result.get_asset_materialization_events() if "build" in e.materialization.metadata}


DERIVED = {m.name for m in marts.DERIVED}


def test_incremental_run_equals_a_full_rebuild(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "incremental.duckdb"
    assert _builds(first := materialize(db, corpus)) == dict.fromkeys(DERIVED, "rebuilt") and first.success
    unchanged = materialize(db, corpus)
    assert _builds(unchanged) == dict.fromkeys(DERIVED, "unchanged")
    claims_meta = next(e for e in unchanged.get_asset_materialization_events()
                       if e.asset_key.to_user_string() == "claims").materialization.metadata
    assert claims_meta["claims_extracted"].value == 0, {k: v.value for k, v in claims_meta.items() if "claims" in k}
    assert claims_meta["claims_reused"].value > 0
    before = snapshot(db)
    assert materialize(db, corpus).success and snapshot(db) == before  # an unchanged corpus changes no row

    old_sha = rows(db, "SELECT sha256 FROM raw.articles WHERE doc = '003_ca642059fae57875.txt'")[0][0]
    _edit_corpus(corpus)
    assert materialize(db, corpus).success
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)
    docs = {d for (d,) in rows(db, "SELECT DISTINCT doc FROM marts.fct_claims")}
    assert "002_955dc46795f2f120.txt" not in docs and "001_b798d506f950bd53.txt" not in docs
    assert {"001_renamed.txt", "104_ko.txt"} <= docs
    # the changed article's old claims are retired, its new figure is in
    assert rows(db, f"SELECT count(*) FROM marts.fct_claims WHERE article_sha256 = '{old_sha}'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE quote = '25 Milliarden US-Dollar'") == [(1,)]


def test_derived_marts_updated_in_place_equal_a_full_rebuild_and_survive_a_failed_update(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The derived marts replace only the rows of the articles and companies a run changed; an update that fails
    half-way leaves its mart as it was, and the next run catches up on every change since its last good build."""
    db = tmp_path / "incremental.duckdb"
    assert materialize(db, corpus).success
    before = snapshot(db)
    update = marts._update

    def fails_after_deleting(con: duckdb.DuckDBPyConnection, mart: marts.Mart, step: str, since: int,
                             latest: int) -> None:
        update(con, mart, step, since, latest)
        if mart is marts.CAPEX_CONSENSUS:
            raise RuntimeError("disk gone mid-update")

    monkeypatch.setattr(marts, "_update", fails_after_deleting)
    _edit_corpus(corpus)
    past = time.time() - 10  # older than the index's racy window: read once, then trusted
    for path in corpus.iterdir():
        if path.stat().st_mtime > past:
            os.utime(path, (past, past))
    failed = materialize(db, corpus)
    assert not failed.success
    # the steps compared only the articles their upstream steps changed (the edited, added and renamed ones; the
    # deleted and the renamed-away ones are no longer input), not the whole corpus
    compared = {e.asset_key.to_user_string(): e.materialization.metadata["articles_compared"].value
                for e in failed.get_asset_materialization_events()
                if "articles_compared" in e.materialization.metadata}
    assert compared == {"claims": 3, "usd_claims": 3, "fct_claims": 3}, compared
    assert _builds(failed) == {"dim_articles": "updated", "source_disagreements": "updated", "fx_audit": "updated"}
    assert snapshot(db)["marts.capex_consensus"] == before["marts.capex_consensus"]  # its last good state
    # the marts after it in the same step still went ahead; the snapshot of a run with a failed mart is not published
    assert "published_snapshot" not in {e.asset_key.to_user_string() for e in failed.get_asset_materialization_events()}
    assert snapshot(warehouse.snapshot_path(db)) == before
    monkeypatch.undo()

    caught_up = materialize(db, corpus)
    assert caught_up.success and _builds(caught_up) == {**dict.fromkeys(DERIVED, "unchanged"),
                                                         "capex_consensus": "updated"}
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)
    again = materialize(db, corpus)  # a re-run changes no row, adds none
    assert _builds(again) == dict.fromkeys(DERIVED, "unchanged") and snapshot(db) == snapshot(full)
    # what every mart has consumed is pruned from the log; the latest change of each step stays
    assert rows(db, "SELECT step, count(DISTINCT seq) FROM staging.changes GROUP BY step ORDER BY step") == \
        [("claims", 1), ("fct_claims", 1), ("raw_articles", 1), ("usd_claims", 1)]


def _capex(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([str(REPO / ".venv" / "bin" / "capex"), *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DAGSTER_HOME": str(tmp_path / "home")}


@pytest.mark.slow
def test_two_runs_at_once_queue_and_readers_are_never_locked_out(corpus: Path, tmp_path: Path,
                                                                 env: dict[str, str]) -> None:
    db = tmp_path / "capex.duckdb"
    assert _capex("run", "--db", str(db), "--articles", str(SEEDS), env=env).wait() == 0
    published = tmp_path / "capex.published.duckdb"
    before = rows(published, "SELECT count(*) FROM marts.fct_claims")
    reader = duckdb.connect(str(published), read_only=True)  # an analyst keeps a session open
    try:
        shutil.copy(GOLD / "dev" / "articles" / "104_ko_meta-capex-range-93jo.txt", corpus / "104_ko.txt")
        runs = [_capex("run", "--db", str(db), "--articles", str(corpus), env=env) for _ in range(2)]
        while any(r.poll() is None for r in runs):  # the analyst queries while both runs work
            assert reader.execute("SELECT count(*) FROM marts.fct_claims").fetchall() == before
            time.sleep(0.2)
        outputs = [r.communicate() for r in runs]
        assert [r.returncode for r in runs] == [0, 0], outputs
        assert any("waiting for it to finish" in err for _, err in outputs)
    finally:
        reader.close()
    assert rows(db, "SELECT count(*) - count(DISTINCT claim_id) FROM marts.fct_claims") == [(0,)]
    after = rows(published, "SELECT count(*) FROM marts.fct_claims WHERE doc = '104_ko.txt'")[0][0]
    assert after > 0


@pytest.mark.slow
def test_a_run_killed_mid_materialization_leaves_the_last_good_state(corpus: Path, tmp_path: Path,
                                                                      env: dict[str, str]) -> None:
    db = tmp_path / "capex.duckdb"
    assert materialize(db, SEEDS).success
    before = snapshot(db)
    for i, src in enumerate(sorted((GOLD / "dev" / "articles").glob("*.txt")) * 25):  # enough work to interrupt
        (corpus / f"5{i:03d}_{src.name}").write_text(src.read_text(encoding="utf-8") + f"\n#{i}\n", encoding="utf-8")
    run = _capex("run", "--db", str(db), "--articles", str(corpus), env={**env, "CAPEX_LOG_LEVEL": "DEBUG"})
    assert run.stderr is not None
    deadline = time.monotonic() + 120
    for line in run.stderr:
        if 'Started execution of step "claims"' in line or time.monotonic() > deadline:
            break
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL
    assert snapshot(db)["marts.fct_claims"] == before["marts.fct_claims"]  # marts at their last good state
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    [dead] = instance.get_runs(filters=dg.RunsFilter(tags={"capex/pid": str(run.pid)}))
    assert dead.status == dg.DagsterRunStatus.STARTED  # what would hold the UI's run queue
    leftover = tmp_path / ".capex.published.duckdb.99999.tmp"  # as a kill during the snapshot copy leaves it
    leftover.write_bytes(b"partial copy")

    again = _capex("run", "--db", str(db), "--articles", str(corpus), env=env)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"marked run {dead.run_id[:8]} failed: its process is gone" in err
    dead = instance.get_run_by_id(dead.run_id)
    assert dead is not None and dead.status == dg.DagsterRunStatus.FAILURE
    [failure] = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert f"its process {run.pid} on" in failure.message and "is gone" in failure.message
    assert not leftover.exists()
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)
    assert rows(db, "SELECT count(*) - count(DISTINCT claim_id) FROM marts.fct_claims") == [(0,)]


def _quarantine(db: Path) -> list[tuple]:
    return rows(db, "SELECT step, doc, rule, reason FROM quality.quarantine ORDER BY ALL")


def test_a_folder_run_after_a_lake_load_drops_the_rows_no_step_made_and_equals_a_full_rebuild(
        corpus: Path, tmp_path: Path) -> None:
    """A lake load replaces the step tables with rows no folder step wrote, an article the folder lacks among
    them: the next folder run redoes every article and drops those rows (the steps handle only the articles
    in their _drop, which a full comparison takes from the tables themselves), and a re-run adds no row."""
    other = tmp_path / "other"
    shutil.copytree(corpus, other)
    (other / "900_lake_only.txt").write_text("Meta said it will spend $65 billion on AI data centres in 2025.\n",
                                             encoding="utf-8")
    lake_db = tmp_path / "lake.duckdb"
    assert materialize(lake_db, other).success
    files: dict[str, list[str]] = {}
    with duckdb.connect(str(lake_db)) as con:
        for lake_table, table in tables.LAKE_TABLES.items():
            path = tmp_path / "lake" / lake_table / "month=2025-01" / "part.parquet"
            path.parent.mkdir(parents=True)
            con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
            files[lake_table] = [str(path)]
    db = tmp_path / "w.duckdb"
    assert materialize(db, corpus).success
    with duckdb.connect(str(db)) as con, tables.transaction(con):
        tables.load_lake(con, files)
    assert rows(db, "SELECT count(*) FROM staging.claims WHERE doc = '900_lake_only.txt'")[0][0] > 0
    assert rows(db, "SELECT count(*) FROM staging.step_state") == [(0,)]
    assert materialize(db, corpus).success
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full) and _quarantine(db) == _quarantine(full)
    assert rows(db, "SELECT count(*) FROM raw.articles WHERE doc = '900_lake_only.txt'") == [(0,)]
    assert materialize(db, corpus).success and snapshot(db) == snapshot(full)  # a re-run adds no row
