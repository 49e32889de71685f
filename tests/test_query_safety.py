"""Analysts' SQL is truly read-only: each attack of the issue is refused with one clear line and changes nothing,
whatever SQL `capex query` gets (hypothesis), and output formats and closed pipes behave like a shell tool's."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from capex_app.cli import WHICH_FILE, main
from capex_pipeline import warehouse

from .conftest import REPO, SEEDS

CAPEX = REPO / ".venv" / "bin" / "capex"
SECRET = "correct-horse-battery-staple-7319"


def _files(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root` with its content hash and mtime: any write shows up here."""
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real warehouse with its published snapshot, and a secret file next to them."""
    root = tmp_path_factory.mktemp("site")
    work = root / "capex.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts; "
                    "CREATE TABLE staging.claims AS SELECT * FROM (VALUES (1, 20.64e9), (2, 150e9)) t(id, value); "
                    "CREATE TABLE marts.fct_claims AS SELECT id, value, 'USD' AS currency FROM staging.claims")
    warehouse.publish_snapshot(work)
    (root / "secret.txt").write_text(SECRET + "\n")
    return root


def query(site: Path, sql: str, *extra: str) -> tuple[int, str, str]:
    """`capex query` in-process, run from inside `site` so that relative paths would land there."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(site), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        # `--` ends the options: generated SQL may start with '-' ('-:'), which argparse would take for one
        code = main(["query", "--db", str(site / "capex.duckdb"), *extra, "--", sql])
    return code, out.getvalue(), err.getvalue()


ATTACKS = {
    "attach_then_update": ("ATTACH '{site}/capex.duckdb' AS w (READ_WRITE); UPDATE w.staging.claims SET value = "
                           "value * 1.5", "one statement at a time"),
    "attach_read_write": ("ATTACH '{site}/capex.duckdb' AS w (READ_WRITE)", "ATTACH statements are refused"),
    "update": ("UPDATE staging.claims SET value = value * 1.5", "UPDATE statements are refused"),
    "copy_over_snapshot": ("COPY (SELECT 1) TO '{site}/capex.published.duckdb'", "COPY statements are refused"),
    "copy_to_file": ("COPY (SELECT 1) TO 'stolen.csv'", "COPY statements are refused"),
    "explain_analyze_copy": ("EXPLAIN ANALYZE COPY (SELECT 1) TO 'stolen.csv'", "COPY statements are refused"),
    "read_text": ("SELECT * FROM read_text('/etc/passwd')", "other files, URLs and extensions are off"),
    "read_csv": ("SELECT * FROM read_csv('/etc/passwd')", "other files, URLs and extensions are off"),
    "read_secret": ("SELECT * FROM read_text('{site}/secret.txt')", "other files, URLs and extensions are off"),
    "glob": ("SELECT * FROM glob('/root/*')", "other files, URLs and extensions are off"),
    "install": ("INSTALL httpfs", "INSTALL/LOAD statements are refused"),
    "set": ("SET enable_external_access = true", "SET statements are refused"),
    "two_statements": ("SELECT 1; SELECT 2", "one statement at a time"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_refused_in_one_line_and_changes_nothing(site: Path, name: str) -> None:
    sql, reason = ATTACKS[name]
    before = _files(site)
    code, out, err = query(site, sql.format(site=site))
    assert code == 2 and out == ""
    assert err.startswith("capex: error: ") and reason in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "root:" not in err
    assert _files(site) == before  # snapshot and working file untouched, no file written


def test_the_sandbox_refuses_even_what_the_statement_check_lets_through(site: Path) -> None:
    """DuckDB's own settings are the real wall: the raw connection behind the check refuses too."""
    with warehouse.analyst_connection(site / "capex.duckdb") as con:
        raw = con._con  # past the one-statement / read-only check on purpose
        for sql in (f"ATTACH '{site}/capex.duckdb' AS w (READ_WRITE)", f"COPY (SELECT 1) TO '{site}/x.csv'",
                    "SELECT * FROM read_text('/etc/passwd')", "INSTALL httpfs", "SET enable_external_access = true",
                    "RESET lock_configuration", "UPDATE staging.claims SET value = 0"):
            with pytest.raises(duckdb.Error):
                raw.execute(sql)
    assert not (site / "x.csv").exists()


def test_reads_work_and_the_working_file_is_never_opened(site: Path) -> None:
    code, out, _ = query(site, "SELECT sum(value) AS total FROM marts.fct_claims", "--format", "csv")
    assert code == 0 and out == "total\n170640000000.0\n"
    for sql in ("DESCRIBE staging.claims", "SUMMARIZE staging.claims", "EXPLAIN SELECT 1", "FROM staging.claims",
                "WITH t AS (SELECT 1 AS x) SELECT * FROM t"):
        assert query(site, sql)[0] == 0, sql
    # A writer holding the working file does not stop analysts: they read the snapshot.
    with duckdb.connect(str(site / "capex.duckdb")):
        assert query(site, "SELECT count(*) FROM staging.claims")[0] == 0


def test_export_out_with_a_quote_is_a_path_not_sql(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weird = "out'); COPY (SELECT 42) TO 'pwned.csv' (FORMAT csv); --"
    before = set(_files(site))
    with contextlib.chdir(site):
        for fmt in ("csv", "parquet"):
            assert main(["export", "--db", str(site / "capex.duckdb"), "--format", fmt, "--out", weird]) == 0
    assert (site / weird / "fct_claims.csv").read_text().splitlines()[0] == "id,value,currency"
    assert duckdb.sql("SELECT count(*) FROM read_parquet(?)", params=[str(site / weird / "fct_claims.parquet")]
                      ).fetchall() == [(2,)]
    new = set(_files(site)) - before
    assert new == {f"{weird}/fct_claims.csv", f"{weird}/fct_claims.parquet"}, new  # nothing else ran
    shutil.rmtree(site / weird)
    capsys.readouterr()


# A small grammar of dangerous fragments, mixed with random text and separators.
FRAGMENTS = [
    "SELECT 1", "SELECT * FROM staging.claims", "FROM marts.fct_claims",
    "ATTACH '{site}/capex.duckdb' AS w (READ_WRITE)", "ATTACH 'fresh.duckdb' AS f", "ATTACH ':memory:' AS m",
    "UPDATE staging.claims SET value = 0", "DELETE FROM marts.fct_claims", "INSERT INTO staging.claims VALUES (9, 9)",
    "DROP TABLE staging.claims", "CREATE TABLE t AS SELECT 1", "CREATE TEMP TABLE t AS SELECT 1",
    "COPY (SELECT 1) TO 'out.csv'", "COPY staging.claims TO '{site}/capex.published.duckdb'",
    "EXPORT DATABASE 'dump'", "EXPLAIN ANALYZE COPY (SELECT 1) TO 'out.csv'", "CHECKPOINT", "VACUUM",
    "SELECT * FROM read_text('{site}/secret.txt')", "SELECT content FROM read_blob('{site}/secret.txt')",
    "FROM read_csv('{site}/secret.txt', header = false)", "FROM '{site}/secret.txt'", "FROM glob('{site}/*')",
    "SELECT * FROM read_text('/etc/passwd')", "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "INSTALL httpfs", "LOAD json", "SET enable_external_access = true", "RESET lock_configuration",
    "SET temp_directory = 'spill'", "PRAGMA enable_profiling", "SET profiling_output = 'profile.json'",
    "CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')", "SELECT * FROM query('COPY (SELECT 1) TO ''q.csv''')",
    "CALL pragma_version()", "USE w", "DETACH w", "SET VARIABLE v = 1", "WITH x AS (SELECT 1) SELECT * FROM x",
    "SELECT (SELECT content FROM read_text('{site}/secret.txt')) AS x",
    "SELECT id, value FROM staging.claims UNION ALL SELECT 1, size FROM read_blob('{site}/*')",
]
SEPARATORS = [";", "; ", ";\n", "\n", " ", ";--", "/*", "*/", "'", ""]
statement = st.sampled_from(FRAGMENTS)
noise = st.text(max_size=12)
sql_text = st.one_of(
    st.lists(statement, min_size=1, max_size=3).map("; ".join),  # well formed: reaches DuckDB
    st.tuples(statement, st.sampled_from(SEPARATORS), noise, st.sampled_from(SEPARATORS), statement).map("".join),
    st.lists(st.one_of(statement, st.sampled_from(SEPARATORS), noise), min_size=1, max_size=5).map("".join),
)


@settings(max_examples=150, deadline=None)
@given(sql=sql_text)
def test_no_sql_writes_to_disk_or_reads_outside_the_snapshot(site: Path, sql: str) -> None:
    before = _files(site)
    code, out, err = query(site, sql.replace("{site}", str(site)))
    event("ran" if code == 0 else err.split("(")[0][:60])  # --hypothesis-show-statistics: what refused it
    assert code in (0, 2)
    assert "Traceback" not in err and (code == 0 or err.startswith("capex: error: "))
    assert SECRET not in out + err
    assert _files(site) == before


@settings(max_examples=60, deadline=None)
@given(statements=st.lists(statement, min_size=1, max_size=4))
def test_the_sandbox_alone_holds_for_any_statement(site: Path, statements: list[str]) -> None:
    """The same grammar sent straight to the sealed DuckDB connection, statement by statement."""
    before = _files(site)
    with contextlib.chdir(site), warehouse.analyst_connection(site / "capex.duckdb") as con:
        for sql in statements:
            with contextlib.suppress(duckdb.Error):
                rows = con._con.execute(sql.replace("{site}", str(site))).fetchall()
                assert SECRET not in repr(rows)
    assert _files(site) == before


def test_output_formats(seed_run) -> None:
    _, db = seed_run
    with duckdb.connect(str(warehouse.snapshot_path(db)), read_only=True) as con:
        relation = con.sql("SELECT * FROM marts.fct_claims ORDER BY claim_id")
        columns, expected = relation.columns, relation.fetchall()
    sql = "SELECT * FROM marts.fct_claims ORDER BY claim_id"
    assert len(columns) > 20

    def run(*args: str) -> str:
        code, out, err = query(db.parent, sql, *args)
        assert code == 0 and err == "", err
        return out

    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert list(rows[0]) == columns and len(rows) == len(expected)
    value = columns.index("usd_value")
    assert [float(r["usd_value"]) for r in rows] == [row[value] for row in expected]  # full precision
    as_json = json.loads(run("--format", "json"))
    assert [list(r) for r in as_json] == [columns] * len(expected)
    assert [r["usd_value"] for r in as_json] == [row[value] for row in expected]
    assert [json.loads(line) for line in run("--format", "jsonl").splitlines()] == as_json
    markdown = run("--format", "markdown")
    assert markdown == run("--markdown") and markdown.splitlines()[0] == "| " + " | ".join(columns) + " |"
    for table in (run(), run("--width", "1000"), run("--width", "60")):  # records, one grid, narrow records
        assert all(re.search(rf"\b{c}\b", table) for c in columns), "a column went missing"
        assert "e+" not in table and f"{len(expected)} rows" in table
    assert "20,640,000,000.00" in run("--width", "1000")  # money readable; years stay 2025
    assert "2,025" not in run("--width", "1000")
    assert run("--max-rows", "2").rstrip().endswith(f"{len(expected)} rows (2 shown; --max-rows 0 shows all)")


def test_the_sentence_on_which_file_is_the_same_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    def flat(text: str) -> str:
        return " ".join(text.split())

    with pytest.raises(SystemExit):
        main(["query", "--help"])
    help_text = capsys.readouterr().out
    for text in (help_text, (REPO / "README.md").read_text(), (REPO / "docs" / "analyst-queries.md").read_text()):
        assert flat(WHICH_FILE) in flat(text)
    assert "default: $CAPEX_DB or data/capex.duckdb)" not in flat(help_text)


@pytest.fixture
def many_articles(tmp_path: Path) -> Iterator[Path]:
    """Enough articles that `extract --jsonl` writes far more than a pipe holds, so `head` closes it early."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(20):
        for article in SEEDS.glob("*.txt"):
            shutil.copy(article, folder / f"{i:02}_{article.name}")
    yield folder


@pytest.mark.parametrize("command", ["extract {articles} --jsonl",
                                     "query --db {site}/capex.duckdb --format csv 'SELECT * FROM range(300000)'",
                                     "query --db {site}/capex.duckdb 'SELECT * FROM range(300000)'"])
def test_a_closed_pipe_is_quiet(tmp_path: Path, many_articles: Path, site: Path, command: str) -> None:
    cmd = command.format(articles=many_articles, site=site)
    script = f'{CAPEX} {cmd} 2> {tmp_path}/err | head -1 > {tmp_path}/out; echo "${{PIPESTATUS[0]}}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})
    assert done.stdout.strip() == "0" and done.stderr == ""
    assert (tmp_path / "err").read_text() == ""
    assert len((tmp_path / "out").read_text().splitlines()) == 1
