"""The whole pipeline through real Dagster, DuckDB and GX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pytest

import assets.pipeline
from assets import defs
from assets.pipeline import PIPELINE_ASSETS
from assets.resources import make_resources

from .conftest import SEEDS, extract_folder, materialize, read_folder, rows


def keys_of(repo: dg.RepositoryDefinition) -> set[dg.AssetKey]:
    return set(repo.asset_graph.get_all_asset_keys())


def test_definitions_load() -> None:
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert keys == {"raw_articles", "claims", "usd_claims", "fct_claims", "dim_articles", "capex_consensus",
                    "source_disagreements", "fx_audit", "published_snapshot",
                    "lake_articles", "lake_claims", "lake_usd_claims", "lake_marts"}
    partitioned = {k.to_user_string() for k in keys_of(repo) if repo.asset_graph.get(k).is_partitioned}
    assert partitioned == {"lake_articles", "lake_claims", "lake_usd_claims"}
    groups = {k.to_user_string(): repo.asset_graph.get(k).group_name for k in repo.asset_graph.get_all_asset_keys()}
    assert groups["raw_articles"] == "raw" and groups["claims"] == "staging" and groups["capex_consensus"] == "marts"
    assert {c.name for c in repo.asset_graph.asset_check_keys} == {"gx_gate"}
    assert [s.name for s in repo.schedule_defs] == ["daily_capex"]
    assert [s.name for s in repo.sensor_defs] == ["new_articles_sensor"]


def test_seed_run_lands_claims_in_marts(seed_run) -> None:
    result, db = seed_run
    assert result.success
    checks = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"raw_articles": True, "claims": True, "usd_claims": True, "fct_claims": True}
    consensus = next(e for e in result.get_asset_materialization_events()
                     if e.asset_key.to_user_string() == "capex_consensus").materialization.metadata
    assert consensus["chart"].value.startswith("![reported USD ranges](data:image/svg+xml;base64,")
    charted = rows(db, "SELECT count(*) FROM (SELECT * FROM marts.capex_consensus ORDER BY figures DESC, company, "
                       "year, metric LIMIT 30) WHERE usd_high IS NOT NULL")[0][0]
    assert charted > 3 and Path(consensus["chart_file"].value).read_text(encoding="utf-8").count("fig., ") == charted
    assert consensus["dagster/column_lineage"].value.deps_by_column["usd_median"][0].column_name == "usd_value"
    yuan = rows(db, "SELECT doc, usd_value, fx_rate, fx_date, fx_basis FROM marts.fct_claims "
                    "WHERE currency = 'CNY' AND value = 150e9 ORDER BY doc")
    assert {r[0] for r in yuan} == {"000_99081dea04316e22.txt", "003_ca642059fae57875.txt"}
    for _, usd, rate, _, basis in yuan:
        assert usd == pytest.approx(20.6e9, rel=0.01)
        assert 7.0 < rate < 7.5 and basis == "publication_date"
    columns = {r[0] for r in rows(db, "SELECT column_name FROM information_schema.columns "
                                      "WHERE table_schema = 'marts' AND table_name = 'fct_claims'")}
    assert columns >= {"claim_id", "doc", "company", "metric", "year", "value", "currency", "qualifier",
                       "usd_value", "fx_rate", "fx_date", "source", "quote"}
    assert rows(db, "SELECT count(*) FROM quality.quarantine")[0][0] == 0
    assert rows(db, "SELECT count(*) FROM quality.validations WHERE success")[0][0] == 4


def test_rerun_adds_no_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "capex.duckdb"
    assert materialize(db, SEEDS).success
    first = rows(db, "SELECT claim_id, usd_value FROM marts.fct_claims ORDER BY claim_id")
    assert materialize(db, SEEDS).success
    second = rows(db, "SELECT claim_id, usd_value FROM marts.fct_claims ORDER BY claim_id")
    assert first == second and len(first) > 20
    assert rows(db, "SELECT count(*) - count(DISTINCT claim_id) FROM marts.fct_claims")[0][0] == 0


def _write(folder: Path, name: str, body: str, lang: str = "en", published: str = "2025-03-03") -> None:
    (folder / name).write_text(f"---\nlang: {lang}\ndate: {published}\n---\n{body}\n", encoding="utf-8")


def test_absurd_rate_is_quarantined_and_a_currency_without_rate_kept(corpus: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPEX_FX_RATES", raising=False)
    _write(corpus, "900_bad_rate.txt", "Acme plans to spend 150 billion yuan ($150 billion) on data centres.")
    _write(corpus, "901_twd.txt", "Foxconn will invest TWD 90 billion in AI servers this year.")
    _write(corpus, "902_future.txt", "Meta will spend $70 billion on data centres.", published="2099-01-01")
    _write(corpus, "903_absurd.txt", "Acme will spend $100000000 trillion on GPUs.")
    db = tmp_path / "capex.duckdb"
    result = materialize(db, corpus)
    assert result.success
    quarantined = rows(db, "SELECT step, doc, rule, reason FROM quality.quarantine ORDER BY doc")
    by_doc = {r[1]: r for r in quarantined}
    assert by_doc["900_bad_rate.txt"][:3] == ("usd_claims", "900_bad_rate.txt",
                                              "expect_column_values_to_be_between(implied_rate), "
                                              "expect_column_values_to_be_between(implied_deviation)")
    assert by_doc["900_bad_rate.txt"][3].startswith("implied CNY/USD rate 1 outside the plausible band 5.5-8.5")
    assert "901_twd.txt" not in by_doc  # no rate anywhere: kept, with usd_value NULL and its basis
    assert rows(db, "SELECT fx_basis, usd_value FROM marts.fct_claims WHERE doc = '901_twd.txt'") == [("no_rate", None)]
    assert by_doc["902_future.txt"][0] == "raw_articles" and "in the future" in by_doc["902_future.txt"][3]
    assert by_doc["903_absurd.txt"][2] == "expect_column_values_to_be_between(usd_value)"
    assert by_doc["903_absurd.txt"][3].startswith("absurd amount: ")
    assert not any(reason.startswith("expect_") for *_, reason in quarantined)  # sentences, not rule names
    usd_check = next(e for e in result.get_asset_check_evaluations() if e.asset_key.to_user_string() == "usd_claims")
    assert usd_check.passed and usd_check.metadata["rows_quarantined"].value == 2
    assert "900_bad_rate.txt" in usd_check.metadata["quarantined_rows"].value
    assert "implied_rate" in usd_check.metadata["implied_vs_ecb_rates"].value
    in_marts = {r[0] for r in rows(db, "SELECT DISTINCT doc FROM marts.fct_claims")}
    assert not {"902_future.txt", "903_absurd.txt"} & in_marts
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE doc = '900_bad_rate.txt' "
                    "AND currency = 'CNY'")[0][0] == 0
    assert {"000_99081dea04316e22.txt", "003_ca642059fae57875.txt"} <= in_marts


def test_a_figure_of_a_fraction_of_a_cent_is_charted_and_the_snapshot_published(tmp_path: Path) -> None:
    """The chart is drawn in the marts' step: whatever figures the gates let through, it must not fail the step
    (a failure there would keep the snapshot from being published on every run until the figure goes)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    _write(folder, "910_tiny.txt", "The AI company Orvane will invest $0.0001 in AI data centers in 2025.")
    db = tmp_path / "capex.duckdb"
    result = materialize(db, folder)
    assert result.success
    assert rows(db, "SELECT company, usd_high FROM marts.capex_consensus") == [("Orvane", 1e-4)]
    consensus = next(e for e in result.get_asset_materialization_events()
                     if e.asset_key.to_user_string() == "capex_consensus").materialization.metadata
    assert Path(consensus["chart_file"].value).read_text(encoding="utf-8").count("1 fig., ") == 1
    assert rows(tmp_path / "capex.published.duckdb", "SELECT count(*) FROM marts.capex_consensus") == [(1,)]


def test_broken_step_blocks_downstream_and_marts_keep_last_good_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "capex.duckdb"
    assert materialize(db, SEEDS).success
    before = rows(db, "SELECT claim_id, usd_value FROM marts.fct_claims ORDER BY claim_id")
    real = assets.pipeline.steps.extract_batches

    def corrupt(*args: Any) -> tuple[pl.DataFrame, pl.DataFrame]:  # a bug that emits every claim twice
        frame, malformed = real(*args)
        return pl.concat([frame, frame]), malformed

    monkeypatch.setattr(assets.pipeline.steps, "extract_batches", corrupt)
    # full refresh: an unchanged corpus is not extracted again, and the bug must run to be caught
    result = dg.materialize(PIPELINE_ASSETS, resources=make_resources(db, SEEDS, full_refresh=True),
                            raise_on_error=False)
    assert not result.success
    checks = {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"raw_articles": True, "claims": False}
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw_articles", "dim_articles"}  # dim_articles only needs the raw layer
    published = tmp_path / "capex.published.duckdb"
    assert rows(published, "SELECT claim_id, usd_value FROM marts.fct_claims ORDER BY claim_id") == before
    assert rows(db, "SELECT claim_id, usd_value FROM marts.fct_claims ORDER BY claim_id") == before
    failed = rows(db, "SELECT step, success FROM quality.validations ORDER BY validated_at DESC LIMIT 1")
    assert failed == [("claims", False)]


def test_claims_come_in_doc_and_text_order_however_the_batches_arrive() -> None:
    """The claims step keeps the batches' order when it is already (doc, start_offset) order, and sorts when not."""
    from capex_pipeline import steps

    keyed = steps.article_keys(read_folder(SEEDS))
    in_order = extract_folder(read_folder(SEEDS))
    assert in_order.equals(in_order.sort("doc", "start_offset")) and in_order.height > 10
    reversed_batches = [keyed.slice(i, 1) for i in reversed(range(keyed.height))]
    assert steps.extract_batches(reversed_batches, keyed.height)[0].equals(in_order)
