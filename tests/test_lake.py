"""The lake: monthly partitions backfilled one Dagster run per month, published as Parquet by a manifest only
when their gate passes, and marts rebuilt from every published month that equal a local run's row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pytest

import assets.lake
from assets.backfill import BadRange, months, run_backfill
from capex_pipeline import lake

from .conftest import MONTHS, mart_rows, month_folders, rows

pytestmark = pytest.mark.slow


def _published(root: Path, table: str) -> dict[str, str]:
    return {month: (root / table / f"month={month}" / lake.MANIFEST).read_text().strip() for month in MONTHS}


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("lake")
    articles, root, db = month_folders(base / "articles"), base / "lake", base / "capex.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    outcome = run_backfill(db=db, first=MONTHS[0], last=MONTHS[-1], articles=articles, lake_root=str(root),
                           instance=instance)
    return {"outcome": outcome, "articles": articles, "root": root, "db": db, "instance": instance}


def test_a_backfill_publishes_every_month_and_the_marts_equal_a_local_run(backfilled: dict[str, Any],
                                                                         dev2_run: Path) -> None:
    outcome, root, instance = backfilled["outcome"], backfilled["root"], backfilled["instance"]
    assert outcome.months == dict.fromkeys(MONTHS, "SUCCESS") and outcome.success, outcome.report()
    for key in ("lake_articles", "lake_claims", "lake_usd_claims"):  # what the UI's partition status reads
        assert instance.get_materialized_partitions(dg.AssetKey(key)) == set(MONTHS)
    for table in ("articles", "claims", "usd_claims"):  # one file per month, named by the manifest
        for month, name in _published(root, table).items():
            assert sorted(p.name for p in (root / table / f"month={month}").glob("part-*")) == [name]
    expected = mart_rows(dev2_run)
    assert len(expected["fct_claims"]) > 100
    assert mart_rows(outcome.db) == expected
    snapshot = outcome.db.with_name("capex.lake.published.duckdb")
    assert mart_rows(snapshot) == expected  # what analysts open
    assert "3 of 3 months published" in outcome.report()


def test_a_month_whose_gate_fails_keeps_its_last_good_files(backfilled: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = backfilled["root"], backfilled["outcome"].db
    before_files, before_marts = _published(root, "claims"), mart_rows(db)
    bad_docs = set(pl.read_parquet(root / "articles" / "month=2024-02" / _published(root, "articles")["2024-02"])
                   ["doc"])
    real = assets.lake.steps.extract_batches

    def corrupt(*args: Any) -> tuple[pl.DataFrame, pl.DataFrame]:  # a bug that emits February's claims twice
        frame, malformed = real(*args)
        return (pl.concat([frame, frame]) if set(frame["doc"]) & bad_docs else frame), malformed

    monkeypatch.setattr(assets.lake.steps, "extract_batches", corrupt)
    outcome = run_backfill(db=backfilled["db"], first=MONTHS[0], last=MONTHS[-1], articles=backfilled["articles"],
                           lake_root=str(root), instance=backfilled["instance"])
    assert outcome.months["2024-01"] == outcome.months["2024-03"] == "SUCCESS"
    assert "gate failed" in outcome.months["2024-02"] and not outcome.success
    after = _published(root, "claims")
    assert after["2024-02"] == before_files["2024-02"]  # February keeps its last good file
    assert after["2024-01"] != before_files["2024-01"] and after["2024-03"] != before_files["2024-03"]
    assert outcome.marts_success and mart_rows(db) == before_marts  # idempotent: the same rows again


def test_a_file_written_but_never_published_is_not_read(backfilled: dict[str, Any]) -> None:
    """A run killed between writing its Parquet and replacing the manifest leaves a file no reader follows."""
    root, db = backfilled["root"], backfilled["outcome"].db
    folder = root / "usd_claims" / "month=2024-01"
    published = pl.read_parquet(folder / _published(root, "usd_claims")["2024-01"])
    stray = folder / "part-killed-mid-write.parquet"
    pl.concat([published, published]).write_parquet(stray)
    before = mart_rows(db)
    outcome = run_backfill(db=backfilled["db"], first="2024-01", last="2024-01", articles=backfilled["articles"],
                           lake_root=str(root), instance=backfilled["instance"])
    assert outcome.success, outcome.report()
    assert mart_rows(db) == before
    assert not stray.exists()  # the month's next publication cleared it
    assert rows(db, "SELECT count(*) FROM marts.fct_claims")[0][0] == len(before["fct_claims"])


def test_an_article_delivered_again_in_a_later_month_counts_once(backfilled: dict[str, Any]) -> None:
    """Crawls deliver the same story again: the marts keep its rows once, from the first month it came in."""
    articles, db = backfilled["articles"], backfilled["outcome"].db
    before = mart_rows(db)
    first = sorted((articles / MONTHS[0]).glob("*.txt"))[0]
    again = articles / MONTHS[-1] / first.name
    again.write_bytes(first.read_bytes())
    try:
        outcome = run_backfill(db=backfilled["db"], first=MONTHS[-1], last=MONTHS[-1], articles=articles,
                               lake_root=str(backfilled["root"]), instance=backfilled["instance"])
        assert outcome.success and outcome.marts_success, outcome.report()
        assert mart_rows(db) == before
    finally:
        again.unlink()


def test_months_are_checked_before_anything_runs() -> None:
    assert months("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    with pytest.raises(BadRange, match="after"):
        months("2024-03", "2024-01")
    with pytest.raises(BadRange, match="not a month"):
        months("2024-1", "2024-03")
