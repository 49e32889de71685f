"""The analyst-facing marts: their SQL, and a description of every table and column (DuckDB COMMENTs).

`fct_claims` holds one row per claim; the others are derived from it in SQL. A "figure" is one distinct
amount in one article (all its quotes together); a stated conversion's non-USD twin is the same figure and
is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

DISAGREEMENT_TOLERANCE = 0.10  # figures further apart than 10% of the larger one disagree
FX_TOLERANCE = 0.05  # an article's implied rate within 5% of the ECB rate agrees with it


@dataclass(frozen=True)
class Mart:
    name: str
    description: str
    sql: str
    columns: dict[str, str]
    upstream: tuple[str, ...] = ("fct_claims",)
    preview: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"marts.{self.name}"


FCT_CLAIMS = Mart(
    name="fct_claims",
    description="One row per monetary claim found in an article: value, currency, USD figure at the ECB "
                "reference rate, qualifier, year, metric, spender, attributed source, and the exact quote.",
    upstream=("usd_claims", "raw_articles"),
    sql="""
SELECT c.claim_id, c.doc, c.company, c.metric, c.year, c.value, c.currency, c.qualifier,
       c.usd_value, c.fx_rate, c.fx_date, c.fx_basis, c.usd_stated, c.implied_rate, c.implied_deviation,
       c.source, c.quote, c.start_offset, c.end_offset, c.amount_id, c.lang, c.currency_basis, c.note,
       a.published, a.date_basis, a.outlet, a.url, a.sha256 AS article_sha256
FROM staging.usd_claims c JOIN raw.articles a USING (doc)
ORDER BY c.doc, c.start_offset
""",
    columns={
        "claim_id": "Stable id of the claim: hash of the article's content and the quote's offsets",
        "doc": "Article file name (join marts.dim_articles for its metadata)",
        "company": "The spender the amount belongs to, or NULL (public bodies, unknown)",
        "metric": "capex, ai_infrastructure, ai_chips or other",
        "year": "Calendar year the amount refers to (relative years resolved with the publication date)",
        "value": "Amount in the currency's units, as written (scale words applied)",
        "currency": "ISO 4217 code",
        "qualifier": "exact, approx (about), min (over / at least) or max (up to)",
        "usd_value": "value converted to US dollars at fx_rate",
        "fx_rate": "Units of currency per US dollar (ECB reference rates, cross via EUR)",
        "fx_date": "Date of the ECB rate used (NULL for a yearly average)",
        "fx_basis": "publication_date, year_average or latest_available: which rate was used",
        "usd_stated": "The article's own USD figure for this amount, if it states one",
        "implied_rate": "value / usd_stated: the exchange rate the article implies",
        "implied_deviation": "implied_rate / fx_rate - 1",
        "source": "Who the figure is attributed to (an outlet, analysts, or 'company statement')",
        "quote": "The exact text of the amount; text[start_offset:end_offset] of the article",
        "start_offset": "Character offset where the quote starts in the decoded article text",
        "end_offset": "Character offset where the quote ends",
        "amount_id": "Groups the quotes of one distinct amount within an article",
        "lang": "Language the article was read in ('und': none registered, read with ISO codes, symbols, digits)",
        "currency_basis": "Why the currency was chosen: the ISO code, symbol or name read, and for a mark several "
                          "currencies share (元, kr, Rs) the reason for this one",
        "note": "What a reviewer should check: an ambiguous separator or currency, read as best it could be",
        "published": "Publication date of the article",
        "date_basis": "Where the publication date came from (sources.csv, front_matter, unknown)",
        "outlet": "Publishing outlet, from the article's metadata",
        "url": "Article URL, from its metadata",
        "article_sha256": "SHA-256 of the article file's bytes",
    },
)

DIM_ARTICLES = Mart(
    name="dim_articles",
    description="One row per ingested article: its provenance for every claim (join on doc).",
    upstream=("raw_articles",),
    preview=("doc", "lang", "published", "date_basis", "outlet", "encoding"),
    sql="""
SELECT doc, sha256, lang, lang_basis, published, date_basis, outlet, url, title, encoding, n_chars,
       metadata_note, also_named, path
FROM raw.articles ORDER BY doc
""",
    columns={
        "doc": "Article file name", "sha256": "SHA-256 of the file's bytes", "lang": "Language code",
        "lang_basis": "Where the language came from (sources.csv, front_matter, detected)",
        "published": "Publication date", "date_basis": "Where the date came from",
        "outlet": "Publishing outlet", "url": "Article URL", "title": "Title from front matter",
        "encoding": "Text encoding the file was decoded with (+html when the text was extracted from HTML)",
        "n_chars": "Length of the decoded text in characters",
        "metadata_note": "Problems with the file's metadata and the fallback taken",
        "also_named": "Other file names with identical content (read once)", "path": "Path when ingested",
    },
)

# One row per figure: the quotes of an amount in an article, without the non-USD twin of a stated conversion.
FIGURES = """
WITH figures AS (
    SELECT doc, amount_id, min(company) AS company, min(metric) AS metric, min(year) AS year,
           min(qualifier) AS qualifier, max(value) AS value, min(currency) AS currency,
           max(usd_value) AS usd_value, min(source) AS source, min(published) AS published,
           min(quote) AS quote, count(*) AS quotes
    FROM marts.fct_claims
    WHERE NOT (currency <> 'USD' AND usd_stated IS NOT NULL)
    GROUP BY doc, amount_id
)
"""

CAPEX_CONSENSUS = Mart(
    name="capex_consensus",
    description="What has been reported per company, year and metric: how many figures, articles and "
                "independent sources, the low / median / high in USD, their spread, and the latest report.",
    preview=("company", "year", "metric", "figures", "articles", "sources", "usd_low", "usd_median", "usd_high"),
    sql=FIGURES + """
SELECT company, year, metric,
       count(*) AS figures,
       count(DISTINCT doc) AS articles,
       count(DISTINCT source) AS sources,
       min(usd_value) AS usd_low,
       median(usd_value) AS usd_median,
       max(usd_value) AS usd_high,
       max(usd_value) - min(usd_value) AS usd_spread,
       CASE WHEN min(usd_value) > 0 THEN max(usd_value) / min(usd_value) END AS high_low_ratio,
       max(published) AS latest_published,
       arg_max(usd_value, struct_pack(p := published, d := doc, q := quote)) AS latest_usd,
       arg_max(quote, struct_pack(p := published, d := doc, q := quote)) AS latest_quote,
       arg_max(doc, struct_pack(p := published, d := doc, q := quote)) AS latest_doc,
       string_agg(DISTINCT source, ', ' ORDER BY source) AS source_list
FROM figures
WHERE company IS NOT NULL
GROUP BY company, year, metric
ORDER BY company, year NULLS LAST, metric
""",
    columns={
        "company": "The spender", "year": "Year the figures refer to (NULL: not stated)",
        "metric": "capex, ai_infrastructure, ai_chips or other",
        "figures": "Distinct figures reported (one per amount per article; a conversion's twin not counted)",
        "articles": "Articles reporting them",
        "sources": "Distinct attributed sources: articles citing the same primary source count once",
        "usd_low": "Lowest figure in USD", "usd_median": "Median figure in USD", "usd_high": "Highest in USD",
        "usd_spread": "usd_high - usd_low", "high_low_ratio": "usd_high / usd_low",
        "latest_published": "Publication date of the latest report",
        "latest_usd": "The latest report's figure in USD", "latest_quote": "The latest report's quote",
        "latest_doc": "The latest report's article", "source_list": "The attributed sources, comma-separated",
    },
)

SOURCE_DISAGREEMENTS = Mart(
    name="source_disagreements",
    description=f"Figures for a company, year and metric that differ by more than {DISAGREEMENT_TOLERANCE:.0%} "
                f"from the consensus figure (the one closest to the group's median) reported by another article "
                f"or source, side by side with both quotes. Linear in the number of figures: each is compared "
                f"with its group's consensus, not with every other figure.",
    preview=("company", "year", "metric", "usd", "source", "consensus_usd", "consensus_source", "relative_gap"),
    sql=FIGURES + f"""
, consensus AS (
    SELECT f.company, f.year, f.metric,
           arg_min(struct_pack(usd := f.usd_value, source := f.source, doc := f.doc, quote := f.quote),
                   struct_pack(gap := abs(f.usd_value - g.median_usd), doc := f.doc, quote := f.quote)) AS ref
    FROM figures f
    JOIN (SELECT company, year, metric, median(usd_value) AS median_usd FROM figures
          WHERE company IS NOT NULL GROUP BY ALL) g
      ON f.company = g.company AND f.metric = g.metric AND f.year IS NOT DISTINCT FROM g.year
    GROUP BY f.company, f.year, f.metric
)
SELECT f.company, f.year, f.metric, f.usd_value AS usd, f.qualifier, f.source, f.doc, f.quote,
       c.ref.usd AS consensus_usd, c.ref.source AS consensus_source, c.ref.doc AS consensus_doc,
       c.ref.quote AS consensus_quote,
       abs(f.usd_value - c.ref.usd) / greatest(f.usd_value, c.ref.usd) AS relative_gap
FROM figures f
JOIN consensus c ON f.company = c.company AND f.metric = c.metric AND f.year IS NOT DISTINCT FROM c.year
WHERE abs(f.usd_value - c.ref.usd) > {DISAGREEMENT_TOLERANCE} * greatest(f.usd_value, c.ref.usd)
  AND (f.doc <> c.ref.doc OR coalesce(f.source, '') <> coalesce(c.ref.source, ''))
ORDER BY f.company, f.year NULLS LAST, f.metric, relative_gap DESC, f.doc, f.quote
""",
    columns={
        "company": "The spender", "year": "Year the figures refer to", "metric": "Metric of the figures",
        "usd": "The disagreeing figure in USD", "qualifier": "Its qualifier", "source": "Its attributed source",
        "doc": "Its article", "quote": "Its quote",
        "consensus_usd": "The group's consensus figure in USD (the reported figure closest to the median)",
        "consensus_source": "The consensus figure's source", "consensus_doc": "The consensus figure's article",
        "consensus_quote": "The consensus figure's quote",
        "relative_gap": "|usd - consensus_usd| / max(usd, consensus_usd)",
    },
)

FX_AUDIT = Mart(
    name="fx_audit",
    description="Every claim whose article states its own USD conversion: the implied rate next to the "
                "ECB reference rate, and whether they agree.",
    preview=("doc", "quote", "currency", "implied_rate", "ecb_rate", "implied_deviation", "agrees"),
    sql=f"""
SELECT claim_id, doc, quote, value, currency, usd_stated, implied_rate, fx_rate AS ecb_rate, fx_date,
       fx_basis, implied_deviation, abs(implied_deviation) <= {FX_TOLERANCE} AS agrees
FROM marts.fct_claims WHERE implied_rate IS NOT NULL
ORDER BY abs(implied_deviation) DESC
""",
    columns={
        "claim_id": "The claim (marts.fct_claims)", "doc": "Article", "quote": "The amount as written",
        "value": "Amount in its currency", "currency": "ISO 4217 code",
        "usd_stated": "The article's own USD figure", "implied_rate": "value / usd_stated (units per USD)",
        "ecb_rate": "ECB reference rate (units per USD)", "fx_date": "Date of the ECB rate",
        "fx_basis": "Which rate was used", "implied_deviation": "implied_rate / ecb_rate - 1",
        "agrees": f"TRUE when the implied rate is within {FX_TOLERANCE:.0%} of the ECB rate",
    },
)

# Derived columns and the fct_claims column each comes from (others keep their name).
LINEAGE = {"usd_low": "usd_value", "usd_median": "usd_value", "usd_high": "usd_value", "usd_spread": "usd_value",
           "high_low_ratio": "usd_value", "latest_usd": "usd_value", "figures": "amount_id", "articles": "doc",
           "sources": "source", "source_list": "source", "latest_published": "published", "latest_quote": "quote",
           "latest_doc": "doc", "usd": "usd_value", "consensus_usd": "usd_value", "consensus_source": "source",
           "consensus_doc": "doc", "consensus_quote": "quote", "relative_gap": "usd_value", "ecb_rate": "fx_rate",
           "agrees": "implied_deviation"}

DERIVED = (DIM_ARTICLES, CAPEX_CONSENSUS, SOURCE_DISAGREEMENTS, FX_AUDIT)
ALL = (FCT_CLAIMS, *DERIVED)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """(Re)build one mart with its comments in one transaction; returns its row count."""
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {mart.table} AS {mart.sql}")
        comment(con, mart)
        rows = con.execute(f"SELECT count(*) FROM {mart.table}").fetchall()[0][0]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(rows)


def comment(con: duckdb.DuckDBPyConnection, mart: Mart) -> None:
    con.execute(f"COMMENT ON TABLE {mart.table} IS {_quote(mart.description)}")
    for column, text in mart.columns.items():
        con.execute(f"COMMENT ON COLUMN {mart.table}.{column} IS {_quote(text)}")
