"""The `capex` command line, run in-process through its real entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from capex_app.cli import main

from .conftest import SEEDS

CONTRACT_KEYS = {"doc", "quote", "start", "end", "value", "currency", "qualifier", "year", "metric", "company",
                 "source", "usd_stated", "lang"}


def test_extract_jsonl_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEEDS), "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(set(row) >= CONTRACT_KEYS for row in lines)
    yuan = next(r for r in lines if r["quote"] == "150 Milliarden Yuan")
    text = (SEEDS / yuan["doc"]).read_text(encoding="utf-8")
    assert text[yuan["start"]:yuan["end"]] == "150 Milliarden Yuan"
    assert (yuan["value"], yuan["currency"], yuan["usd_stated"], yuan["year"], yuan["lang"]) == \
        (150e9, "CNY", 20e9, 2025, "de")
    assert (yuan["company"], yuan["source"], yuan["metric"]) == ("ByteDance", "Reuters", "capex")
    assert [r["doc"] for r in lines] == sorted(r["doc"] for r in lines)


def test_run_then_query(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    db = tmp_path / "capex.duckdb"
    assert main(["run", "--db", str(db), "--articles", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "SUCCESS" in out and "marts.fct_claims" in out and "ByteDance" in out
    assert (tmp_path / "home" / "dagster.yaml").exists()
    assert main(["query", "--db", str(db), "SELECT count(*) AS n FROM marts.fct_claims WHERE currency = 'CNY'"]) == 0
    assert "│" in capsys.readouterr().out
    assert main(["query", "--db", str(db), "DELETE FROM marts.fct_claims"]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["query", "--db", str(db), "SELEC nonsense"]) == 2
    assert "syntax error" in capsys.readouterr().err.lower()
    for fmt in ("parquet", "csv"):
        assert main(["export", "--db", str(db), "--format", fmt, "--out", str(tmp_path / fmt)]) == 0
    exported = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'parquet' / 'fct_claims.parquet'}'").fetchall()
    assert exported == duckdb.connect(str(db), read_only=True).sql("SELECT count(*) FROM marts.fct_claims").fetchall()
    assert (tmp_path / "csv" / "capex_consensus.csv").read_text().startswith("company,year,metric,figures")


@pytest.mark.parametrize("argv", [["run", "--articles", "/no/such/folder"], ["extract", "/no/such/file.txt"],
                                  ["query", "--db", "/no/such/capex.duckdb", "SELECT 1"]])
def test_user_mistakes_get_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("capex: error:") and len(err.splitlines()) == 1


def test_unwritable_and_locked_databases_get_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--db", "/proc/capex/capex.duckdb"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("capex: error: cannot write the database") and len(err.splitlines()) == 1

    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert main(["run", "--db", str(db)]) == 2
        err = capsys.readouterr().err.strip()
        assert "locked by another process" in err and len(err.splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()


def test_evaluate_without_the_repository_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package has no evaluation/ beside it: one line says what to give instead."""
    monkeypatch.setattr("capex_pipeline.evaluate.EVALUATION", tmp_path / "evaluation")
    assert main(["evaluate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("capex: error:") and "--gold" in err and len(err.splitlines()) == 1


def test_evaluate_finds_the_seeds_by_a_relative_path_and_warns_of_documents_it_cannot_read(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`--gold evaluation/seeds.jsonl` typed from the repository scores the shipped seeds; a folder without the
    gold's documents is one warning line, not a silent recall of 0."""
    from capex_pipeline.evaluate import EVALUATION

    monkeypatch.chdir(EVALUATION.parent)
    assert main(["evaluate", "--gold", "evaluation/seeds.jsonl"]) == 0
    out = capsys.readouterr()
    assert "(16 matched, 0 extra, 0 missed)" in out.out and "warning" not in out.err
    assert main(["evaluate", "--gold", "evaluation/seeds.jsonl", "--articles", "evaluation/dev/articles"]) == 0
    out = capsys.readouterr()
    assert "0 matched" in out.out
    assert out.err.startswith("capex: warning: 4 gold documents have no readable file") and "--articles" in out.err


def test_usd_amounts_read_in_billions_while_csv_keeps_every_digit() -> None:
    from capex_pipeline import render

    rows = [(20_640_000_000.0, 350_000_000.0, 1234.5), (None, 7.5e12, 10.0)]
    table = render.table(["usd_value", "usd_stated", "implied_rate"], rows)
    assert "20.64 bn" in table and "350.00 mn" in table and "7,500.00 bn" in table and "1,234.50" in table
    assert "| 20.64 bn | 350.00 mn |" in render.markdown_table(["usd_value", "usd_stated", "implied_rate"], rows)
    out = io.StringIO()
    render.write("csv", ["usd_value"], [(20_640_000_000.123,)], out)
    assert "20640000000.123" in out.getvalue()
