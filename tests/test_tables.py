"""The warehouse's tables: one transaction per write, an older quarantine table migrated in place, and every
mart's declared columns and lineage matching its SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from capex_pipeline import marts, tables

from .conftest import SEEDS, materialize, rows

# quality.quarantine as versions before the rule column wrote it: the rule in reason, the sentence in detail.
OLD_QUARANTINE = """
CREATE SCHEMA quality;
CREATE TABLE quality.quarantine (step VARCHAR NOT NULL, doc VARCHAR, reason VARCHAR NOT NULL, detail VARCHAR,
    record VARCHAR, run_id VARCHAR, recorded_at TIMESTAMP DEFAULT current_timestamp);
INSERT INTO quality.quarantine (step, doc, reason, detail) VALUES
    ('raw_articles', 'a.txt', 'empty', 'the file is empty'),
    ('raw_articles', 'b.txt', 'note:bad_date', 'front_matter date ''2025-02-30'' is not a date; ignored'),
    ('claims', 'c.txt', 'malformed_number', NULL),
    ('usd_claims', 'd.txt', 'expect_column_values_to_not_be_null',
     'expect_column_values_to_not_be_null: unsupported currency TWD; expect_x: y');
"""


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for name, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def test_an_older_quarantine_table_gains_its_rule_column(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute(OLD_QUARANTINE)
        tables.ensure_schema(con)
        tables.ensure_schema(con)  # idempotent
        assert "rule" in _columns(con, tables.QUARANTINE) and "detail" not in _columns(con, tables.QUARANTINE)
        assert con.execute("SELECT doc, rule, reason FROM quality.quarantine ORDER BY doc").fetchall() == [
            ("a.txt", "empty", "the file is empty"),
            ("b.txt", "note:bad_date", "front_matter date '2025-02-30' is not a date; ignored"),
            ("c.txt", "malformed_number", "malformed_number"),
            ("d.txt", "expect_column_values_to_not_be_null", "unsupported currency TWD; y")]
        assert tables.quarantine_counts(con, "raw_articles") == (1, 1)


@pytest.mark.slow
def test_a_warehouse_of_an_older_version_still_runs(tmp_path: Path) -> None:
    db = tmp_path / "capex.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(OLD_QUARANTINE)
    assert materialize(db, SEEDS).success
    assert rows(db, "SELECT step, count(*) FROM quality.quarantine GROUP BY ALL") == []  # every step replaced its rows
    assert rows(db, "SELECT count(*) FROM marts.fct_claims") == [(29,)]


def test_a_failed_write_leaves_the_table_and_its_quarantine_rows_as_they_were(tmp_path: Path) -> None:
    quarantine = pl.DataFrame({"step": ["claims"], "doc": ["x.txt"], "rule": ["r"], "reason": ["why"],
                               "record": ["{}"]})
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        tables.replace(con, tables.CLAIMS, pl.DataFrame({"n": [1, 2]}), step="claims", quarantine=quarantine)

        def broken(c: duckdb.DuckDBPyConnection) -> None:
            raise RuntimeError("fails after the table was replaced")

        with pytest.raises(RuntimeError):
            tables.replace(con, tables.CLAIMS, pl.DataFrame({"n": [3]}), step="claims", annotate=broken)
        assert con.execute("SELECT n FROM staging.claims ORDER BY n").fetchall() == [(1,), (2,)]
        assert con.execute("SELECT step, doc, rule, reason FROM quality.quarantine").fetchall() == [
            ("claims", "x.txt", "r", "why")]


@pytest.mark.parametrize("mart", marts.ALL, ids=[m.name for m in marts.ALL])
def test_each_mart_declares_exactly_the_columns_its_sql_returns(seed_run, mart: marts.Mart) -> None:
    _, db = seed_run
    with duckdb.connect(str(db), read_only=True) as con:
        assert _columns(con, mart.table) == list(mart.columns)
        for column, (asset, source) in mart.lineage.items():  # lineage names a real upstream column
            upstream = tables.STEP_TABLES.get(asset) or f"marts.{asset}"
            assert asset in mart.upstream and source in _columns(con, upstream), (column, asset, source)


@pytest.mark.parametrize("mart", marts.DERIVED, ids=[m.name for m in marts.DERIVED])
def test_a_mart_update_inserts_the_rows_of_its_sql_without_sorting_them_first(seed_run, mart: marts.Mart) -> None:
    """An update runs the mart's SQL without its final ORDER BY (`Mart.unordered`), so that the filter to the
    changed articles or groups applies before any sort; the rows are the same."""
    _, db = seed_run
    assert "ORDER BY" in mart.sql and mart.unordered != mart.sql
    with duckdb.connect(str(db), read_only=True) as con:
        if "figures()" in mart.sql:
            con.execute(marts._figures())
        assert sorted(con.execute(mart.unordered).fetchall(), key=repr) == \
            sorted(con.execute(mart.sql).fetchall(), key=repr)


def test_the_group_marts_updated_in_one_connection_share_the_figures_of_the_changed_groups(
        seed_run, tmp_path: Path) -> None:
    """The second group mart's update reads the figures the first one gathered (it no longer needs fct_claims),
    with the rows of a full build; an update rolled back takes the gathered figures with it, so the next one
    gathers them again."""
    import shutil

    db = tmp_path / "capex.duckdb"
    shutil.copyfile(seed_run[1], db)
    group = [m for m in marts.DERIVED if m.update == "group"]
    assert len(group) >= 2
    with duckdb.connect(str(db)) as con:
        built = {m.name: sorted(con.execute(f"SELECT * FROM {m.table}").fetchall(), key=repr) for m in group}
        since = int(tables.scalar(con, "SELECT max(seq) FROM staging.changes"))
        con.execute("INSERT INTO staging.changes SELECT 'fct_claims', ?, doc, company, metric, year "
                    "FROM marts.fct_claims", [since + 1])  # every figure's group changed
        with pytest.raises(RuntimeError), tables.transaction(con):
            marts._update(con, group[0], "fct_claims", since, since + 1)
            raise RuntimeError("rolled back")
        for i, mart in enumerate(group):
            with tables.transaction(con):
                marts._update(con, mart, "fct_claims", since, since + 1)
            if i == 0:
                con.execute("ALTER TABLE marts.fct_claims RENAME TO fct_claims_away")
        for mart in group:
            assert sorted(con.execute(f"SELECT * FROM {mart.table}").fetchall(), key=repr) == built[mart.name]


def test_a_trailing_order_by_is_dropped_only_where_it_is_the_querys_own() -> None:
    def unordered(sql: str) -> str:
        return marts.Mart("m", "", sql, {}, {}, ("fct_claims",)).unordered

    assert unordered("SELECT a FROM t ORDER BY abs(a) DESC") == "SELECT a FROM t"
    kept = ["SELECT a FROM t ORDER BY a LIMIT 5", "SELECT * FROM (SELECT a FROM t ORDER BY a)",
            "SELECT a FROM t", "SELECT a FROM t ORDER BY a; SELECT 1"]
    assert [unordered(sql) for sql in kept] == kept


def test_a_step_table_without_a_newer_column_gains_it(tmp_path: Path) -> None:
    """A warehouse written before `primary_mention` existed: the next run adds the column instead of failing."""
    import shutil

    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    db = tmp_path / "capex.duckdb"
    assert materialize(db, articles).success
    with duckdb.connect(str(db)) as con:
        for table in (tables.CLAIMS, tables.USD_CLAIMS):
            con.execute(f"ALTER TABLE {table} DROP COLUMN primary_mention")
    (articles / "new.txt").write_text("---\nlang: en\ndate: 2025-02-03\n---\nAcme will spend $3 billion on GPUs.\n")
    assert materialize(db, articles).success
    kept_old, new_primary = rows(db, "SELECT count(*) FILTER (WHERE primary_mention IS NULL), bool_and("
                                     f"primary_mention) FILTER (WHERE doc = 'new.txt') FROM {tables.CLAIMS}")[0]
    assert kept_old > 0 and new_primary is True  # the old rows kept (NULL), the new article's rows carry it
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE doc = 'new.txt'")[0][0] == 1
