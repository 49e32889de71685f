"""Steps validated and converted a chunk at a time give what one piece gives: the same rows kept, the same rows
quarantined, and a gate that still fails on a duplicate whose two rows sit in different chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import assets.pipeline
from assets.gates import run_gate, run_gate_in_chunks
from assets.pipeline import PIPELINE_ASSETS
from assets.resources import GxResource, make_resources
from capex_pipeline import fx

from .conftest import SEEDS, mart_rows, materialize, rows


def _usd_rows() -> pl.DataFrame:
    """Six USD claims: a CNY row whose implied rate is absurd (row level), and claim "a" twice, far apart."""
    return pl.DataFrame({
        "claim_id": ["a", "b", "c", "d", "e", "a"], "doc": [f"{i}.txt" for i in range(6)],
        "quote": ["some quote"] * 6, "value": [1e9, 2e9, 3e9, 4e9, 5e9, 6e9],
        "currency": ["CNY", "CNY", "EUR", "USD", "USD", "USD"], "usd_value": [1.4e8, 1e8, 3.3e9, 4e9, 5e9, 6e9],
        "fx_basis": ["publication_date"] * 6, "fx_rate": [7.1, 7.1, 0.91, 1.0, 1.0, 1.0],
        "implied_rate": [7.0, 20.0, 0.9, None, None, None], "implied_deviation": [0.0, 0.0, 0.0, None, None, None]})


def _slices(frame: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    return [frame.slice(start, size) for start in range(0, frame.height, size)]


def test_a_duplicate_across_chunks_fails_the_gate_as_in_one_piece() -> None:
    frame, gx = _usd_rows(), GxResource()
    whole = run_gate(gx, frame, "usd_claims", "usd_claims")
    chunked = run_gate_in_chunks(gx, _slices(frame, 2), "usd_claims", "usd_claims")
    assert not whole.passed and not chunked.passed  # "a" in the first and the last chunk only
    assert chunked.kept.equals(whole.kept) and chunked.quarantine.equals(whole.quarantine)
    counts = {(f.rule, f.level, f.unexpected_count) for f in chunked.validation.failures}
    assert counts == {(f.rule, f.level, f.unexpected_count) for f in whole.validation.failures}
    assert ("expect_column_values_to_be_unique(claim_id)", "suite", 2) in counts
    page = chunked.validation.result  # one GX result for the Data Docs page, every expectation in it
    assert len(page.results) == whole.validation.evaluated == chunked.validation.evaluated
    assert page.statistics["unsuccessful_expectations"] == 1  # the row-level band; the clash is across chunks


def test_a_duplicate_within_a_chunk_is_gx_s_own_failure() -> None:
    frame = _usd_rows().with_columns(claim_id=pl.Series(["a", "a", "c", "d", "e", "f"]))
    chunked = run_gate_in_chunks(GxResource(), _slices(frame, 3), "usd_claims", "usd_claims")
    assert not chunked.passed and not chunked.validation.result.success
    [unique] = [f for f in chunked.validation.blocking_failures()]
    assert (unique.rule, unique.unexpected_count, unique.rows) == ("expect_column_values_to_be_unique(claim_id)", 2,
                                                                   [0, 1])

def test_unique_rows_in_chunks_pass_with_the_same_quarantine() -> None:
    frame = _usd_rows().head(5)
    gx = GxResource()
    chunked = run_gate_in_chunks(gx, _slices(frame, 2), "usd_claims", "usd_claims")
    assert chunked.passed and chunked.kept["claim_id"].to_list() == ["a", "c", "d", "e"]
    assert chunked.quarantine["doc"].to_list() == ["1.txt"]
    [failure] = chunked.validation.failures
    assert failure.rows == [1] and failure.level == "row"  # its position in the whole table


def _write(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"---\nlang: en\ndate: 2025-03-03\n---\n{body}\n", encoding="utf-8")


def _tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets.pipeline, "GATE_CHUNK", 3)  # rows
    monkeypatch.setattr(assets.pipeline, "CHUNK_ARTICLES", 2)


def test_steps_in_tiny_chunks_publish_what_one_chunk_publishes(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _write(corpus, "900_bad_rate.txt", "Acme plans to spend 150 billion yuan ($150 billion) on data centres.")
    _write(corpus, "903_absurd.txt", "Acme will spend $100000000 trillion on GPUs.")
    _write(corpus, "000a_absurd.txt", "Initech will spend $200000000 trillion on GPUs.")  # in another chunk
    one, many = tmp_path / "one" / "capex.duckdb", tmp_path / "many" / "capex.duckdb"
    assert materialize(one, corpus).success
    _tiny_chunks(monkeypatch)
    result = materialize(many, corpus)
    assert result.success
    assert mart_rows(many) == mart_rows(one)
    for table in ("staging.claims", "staging.usd_claims"):
        assert rows(many, f"SELECT * FROM {table} ORDER BY ALL") == rows(one, f"SELECT * FROM {table} ORDER BY ALL")
    quarantine = "SELECT step, doc, rule, reason, record FROM quality.quarantine ORDER BY ALL"
    assert rows(many, quarantine) == rows(one, quarantine)
    assert {r[0] for r in rows(many, quarantine)} >= {"usd_claims"}
    usd = next(e for e in result.get_asset_check_evaluations() if e.asset_key.to_user_string() == "usd_claims")
    assert usd.passed and usd.metadata["rows_quarantined"].value == 3
    validations = "SELECT step, success, expectations, failed, rows_quarantined FROM quality.validations ORDER BY ALL"
    assert rows(many, validations) == rows(one, validations)  # a rule failing in two chunks is one failure


def test_a_duplicate_across_usd_chunks_blocks_and_leaves_the_marts_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    before = mart_rows(db)
    _tiny_chunks(monkeypatch)
    real = fx.convert

    def clashing(claims: pl.DataFrame) -> pl.DataFrame:  # a bug giving each chunk's first claim the same id
        out = real(claims)
        return out.with_columns(claim_id=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("same"))
                                .otherwise(pl.col("claim_id")))

    monkeypatch.setattr(assets.pipeline.fx, "convert", clashing)
    monkeypatch.setattr(assets.pipeline.fx, "rates_key", lambda: "new rates")  # every article converted again
    result = dg.materialize(PIPELINE_ASSETS, resources=make_resources(db, corpus), raise_on_error=False)
    assert not result.success
    checks = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}
    assert checks["claims"].passed and not checks["usd_claims"].passed
    assert "expect_column_values_to_be_unique on claim_id" in checks["usd_claims"].description
    assert mart_rows(db) == before == mart_rows(tmp_path / "capex.published.duckdb")
    assert rows(db, "SELECT count(*) FROM staging.usd_claims WHERE claim_id = 'same'") == [(0,)]
