"""The published snapshot holds every commit of the warehouse, whether or not they were checkpointed into its file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from capex_pipeline import warehouse


def _rows(path: Path) -> list[tuple[int]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT id FROM t ORDER BY id").fetchall()


def test_the_snapshot_holds_commits_still_in_the_write_ahead_log(tmp_path: Path) -> None:
    db = tmp_path / "capex.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS id")
    assert not warehouse.wal_path(db).exists()  # a clean close checkpoints: publish copies the file as it is
    assert _rows(warehouse.publish_snapshot(db)) == [(1,)]
    with duckdb.connect(str(db)) as con:  # as after a crash: the commit is only in the log
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("INSERT INTO t VALUES (2)")
    assert warehouse.wal_path(db).exists()
    assert _rows(warehouse.publish_snapshot(db)) == [(1,), (2,)]
    assert not warehouse.wal_path(db).exists()
