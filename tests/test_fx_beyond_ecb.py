"""Currencies the ECB does not quote: a user's rates file, the shipped USD pegs, the article's own stated
conversion, and else a claim kept with no USD value and a basis that says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from capex_pipeline import fx

CLAIMS = {"value": [7.345e9, 3e10, 5e9, 2e12, 1e9, 9.2e8], "currency": ["AED", "TWD", "TWD", "VND", "USD", "EUR"],
          "usd_stated": [None, 1e9, None, None, None, None], "year": [2025, 2025, None, 2024, 2025, 2025],
          "published": [dt.date(2025, 6, 2), dt.date(2025, 6, 2), None, None, dt.date(2025, 6, 2),
                        dt.date(2025, 6, 2)]}


def _convert(monkeypatch: pytest.MonkeyPatch, rates: str = "") -> pl.DataFrame:
    monkeypatch.setenv(fx.RATES_ENV, rates)
    return fx.convert(pl.DataFrame(CLAIMS))


def test_pegs_the_article_and_no_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _convert(monkeypatch).to_dicts()
    aed, twd_stated, twd_bare, vnd, usd, eur = out
    assert (aed["fx_basis"], aed["fx_rate"], round(aed["usd_value"])) == ("usd_peg", 3.6725, 2_000_000_000)
    assert (twd_stated["fx_basis"], twd_stated["fx_rate"], twd_stated["usd_value"]) == ("article_stated", 30.0, 1e9)
    assert twd_stated["implied_deviation"] is None  # a rate read from the article cannot check the article
    for row in (twd_bare, vnd):
        assert (row["fx_basis"], row["fx_rate"], row["usd_value"]) == ("no_rate", None, None)
    assert usd["fx_basis"] == eur["fx_basis"] == "publication_date"


def test_a_rates_file_per_usd_or_per_eur(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    per_usd = tmp_path / "usd.csv"
    per_usd.write_text("date,currency,per_usd\n2025-01-02,TWD,32.5\n2025-05-30,TWD,30.1\n2024-01-02,VND,24300\n"
                       "2025-01-02,EUR,5.0\n")
    per_eur = tmp_path / "eur.csv"
    per_eur.write_text("date,currency,per_eur\n2024-12-31,VND,27000\n")
    out = _convert(monkeypatch, str(per_usd)).to_dicts()
    assert (out[1]["fx_basis"], out[1]["fx_rate"], out[1]["fx_date"]) == ("rates_file", 30.1, dt.date(2025, 5, 30))
    assert round(out[1]["implied_deviation"], 4) == round(30 / 30.1 - 1, 4)  # now checked against the file
    assert (out[2]["fx_basis"], out[2]["fx_rate"]) == ("rates_file", 30.1)  # no date, no year: the latest
    assert (out[3]["fx_basis"], out[3]["fx_rate"]) == ("rates_file", 24300.0)  # as of the end of its year
    assert out[5]["fx_rate"] != 5.0  # the ECB's own currencies keep the ECB rate
    vnd = _convert(monkeypatch, str(per_eur)).to_dicts()[3]
    usd_per_eur = fx.rate_on("EUR", dt.date(2024, 12, 31))
    assert usd_per_eur is not None
    assert vnd["fx_basis"] == "rates_file" and vnd["fx_rate"] == pytest.approx(27000 * usd_per_eur[0])


@pytest.mark.parametrize(("content", "fault"), [
    ("day,currency,per_usd\n2025-01-01,TWD,30\n", "needs columns date, currency and per_usd or per_eur"),
    ("date,currency,per_usd\n2025-13-01,TWD,30\n", r"1 row\(s\) without a date"),
    ("date,currency,per_usd\n2025-01-01,TWD,-3\n", "a positive per_usd"),
    ("date,currency,per_usd\n2025-01-01,dollars,30\n", "an ISO currency code"),
])
def test_a_bad_rates_file_is_named_with_its_fault(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str,
                                                  fault: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(content)
    with pytest.raises(fx.RatesFileError, match=fault) as info:
        _convert(monkeypatch, str(path))
    assert str(path) in str(info.value)


@pytest.mark.slow
def test_a_claim_without_a_rate_stays_in_the_marts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Through the real pipeline: kept in fct_claims with usd_value NULL, counted in the run summary; a rates
    file converts it on the next run."""
    from assets.runner import run_pipeline

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("The group will invest VND 12,000 billion in a data centre, the company said. "
                                    "A Gulf fund adds AED 4 billion to the project.\n")
    (articles / "sources.csv").write_text("file,lang,published,outlet,url,note\na.txt,en,2025-06-02,,,\n")
    db = tmp_path / "capex.duckdb"
    monkeypatch.setenv(fx.RATES_ENV, "")
    outcome = run_pipeline(db=db, articles=articles)
    assert outcome.success
    assert "1 claims (1 figures) in VND have no USD rate" in outcome.summary
    query = "SELECT currency, fx_basis, usd_value FROM marts.fct_claims ORDER BY currency"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql(query).fetchall() == [("AED", "usd_peg", pytest.approx(4e9 / 3.6725)),
                                             ("VND", "no_rate", None)]
    rates = tmp_path / "rates.csv"
    rates.write_text("date,currency,per_usd\n2025-06-01,VND,26000\n")
    monkeypatch.setenv(fx.RATES_ENV, str(rates))
    outcome = run_pipeline(db=db, articles=articles)
    assert outcome.success and "have no USD rate" not in outcome.summary
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql(query).fetchall()[1] == ("VND", "rates_file", pytest.approx(12e12 / 26000))


@pytest.mark.slow
def test_the_summary_counts_claims_without_a_publication_date(tmp_path: Path) -> None:
    from assets.runner import run_pipeline

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "dated.txt").write_text("---\ndate: 2025-05-02\n---\nAcme will invest $5 billion in data centres.\n")
    (articles / "undated.txt").write_text("Acme will invest $7 billion this year and $2 billion next year.\n")
    outcome = run_pipeline(db=tmp_path / "capex.duckdb", articles=articles)
    assert outcome.success
    assert "2 claims in 1 articles have no publication date (date_basis unknown)" in outcome.summary
