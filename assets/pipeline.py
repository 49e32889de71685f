"""The pipeline's assets: raw -> staging -> marts, each gated by its own blocking GX check.

Write-audit-publish: every asset computes its frame, validates it, and writes its DuckDB table only when
its suite passes (with row-level failures moved to quality.quarantine in the same transaction). A failed
gate leaves the table at its last good state and, being blocking, stops every downstream asset in the run.
"""


from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from capex_pipeline import charts, data_docs, marts, quality, render, steps, tables, warehouse

from .gates import Gate, record_validation, run_gate
from .images import image_metadata
from .resources import CorpusResource, WarehouseResource

GATE = "gx_gate"
POOL = "capex_warehouse"  # DuckDB has one writer: every asset that writes the file is in this pool
PREVIEW_ROWS = 10
CHART_ROWS = 30  # the most-reported company / year / metric groups


def _gate_spec(asset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(GATE, asset=asset, blocking=True,
                             description=f"Great Expectations suite capex_pipeline/expectations/{asset}.json")


def _markdown(frame: pl.DataFrame) -> str:
    return render.markdown_table(frame.columns, frame.head(PREVIEW_ROWS).rows(), max_cell=60)


def _table_metadata(table: str, frame: pl.DataFrame, quarantined: int | None, preview: list[str],
                    mart: marts.Mart | None = None) -> dict[str, Any]:
    described = mart.columns if mart else {}
    schema = dg.TableSchema(columns=[dg.TableColumn(name, str(dtype), description=described.get(name))
                                     for name, dtype in frame.schema.items()])
    metadata: dict[str, Any] = {
        "dagster/table_name": f"capex.{table}",
        "dagster/row_count": frame.height,
        "dagster/column_schema": schema,
        "table": table,
        "preview": dg.MetadataValue.md(_markdown(frame.select(preview))),
    }
    if quarantined is not None:
        metadata["rows_quarantined"] = quarantined
    if mart:
        metadata["dagster/column_lineage"] = _lineage(mart, frame.columns)
    elif table in _STAGING_UPSTREAM:
        upstream = _STAGING_UPSTREAM[table]
        metadata["dagster/column_lineage"] = dg.TableColumnLineage(deps_by_column={
            c: [dg.TableColumnDep(asset_key=dg.AssetKey(upstream[c]), column_name=c)]
            for c in frame.columns if c in upstream})
    return metadata


# Columns of the staging tables carried from upstream assets (the rest are computed by the step).
_CLAIMS_FROM_RAW = ("doc", "sha256")
_STAGING_UPSTREAM: dict[str, dict[str, str]] = {
    tables.CLAIMS: dict.fromkeys(_CLAIMS_FROM_RAW, "raw_articles"),
    tables.USD_CLAIMS: {**dict.fromkeys(("claim_id", "doc", "sha256", "amount_id", "quote", "start_offset",
                                         "end_offset", "value", "currency", "qualifier", "year", "metric",
                                         "company", "source", "usd_stated", "lang", "currency_basis",
                                         "note"), "claims"),
                        "published": "raw_articles", "date_basis": "raw_articles"},
}


def _lineage(mart: marts.Mart, columns: list[str]) -> dg.TableColumnLineage:
    """Each mart column from the upstream column its .yaml declares."""
    return dg.TableColumnLineage(deps_by_column={
        c: [dg.TableColumnDep(asset_key=dg.AssetKey(mart.lineage[c][0]), column_name=mart.lineage[c][1])]
        for c in columns if c in mart.lineage})


def _publish(context: dg.AssetExecutionContext, duckdb: WarehouseResource, step: str, gate: Gate,
             stored: pl.DataFrame, preview: list[str], extra: dict[str, Any] | None = None,
             mart: marts.Mart | None = None, notes: pl.DataFrame | None = None,
             ) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    table = tables.STEP_TABLES[step]
    # notes are stored with the quarantine rows but are not counted as refused rows in the gate's metadata
    quarantine = gate.quarantine if notes is None else pl.concat([gate.quarantine, notes])
    with duckdb.get_connection() as con:
        record_validation(con, gate, step, context.run.run_id)
        if gate.passed:
            tables.replace(con, table, stored, step=step, quarantine=quarantine, run_id=context.run.run_id,
                           annotate=(lambda c: marts.comment(c, mart)) if mart else None)
    if gate.passed:  # the materialization first, so the check result targets this run's table
        metadata = _table_metadata(table, stored, gate.quarantine.height, preview, mart) | (extra or {})
        yield dg.MaterializeResult(metadata=metadata)
    yield gate.check_result(GATE, **(extra or {}), **_data_docs(context, duckdb, gate, step))
    if not gate.passed:
        context.log.error(f"{table} not published: its GX gate failed; the table keeps its last good state")


def _data_docs(context: dg.AssetExecutionContext, duckdb: WarehouseResource, gate: Gate,
               step: str) -> dict[str, Any]:
    """The gate's GX Data Docs page, linked from the check's metadata. Pages are per Dagster run, like its logs,
    so they live in the instance's folder ($DAGSTER_HOME/data_docs; GX's 4 MB of static files stay off the
    warehouse's disk), or beside the database for a throwaway instance. The page is a by-product: a failure to
    write it is logged and never fails the gate."""
    instance = context.instance
    folder = Path(duckdb.database).resolve().parent if instance.is_ephemeral else Path(instance.root_directory)
    try:
        page = data_docs.build_page(gate.validation, folder / "data_docs", context.run.run_id, step)
    except Exception as exc:  # GX rendering or the disk: the validation itself stands
        context.log.warning(f"GX Data Docs for {step} not written: {type(exc).__name__}: {exc}")
        return {"data_docs_error": f"{type(exc).__name__}: {exc}"}
    return {"data_docs": dg.MetadataValue.path(str(page))} if page else {}


@dg.asset(group_name="raw", kinds={"duckdb", "python"}, check_specs=[_gate_spec("raw_articles")], pool=POOL,
          output_required=False, owners=["team:capex-data"])
def raw_articles(context: dg.AssetExecutionContext, corpus: CorpusResource,
                 duckdb: WarehouseResource) -> Iterator[Any]:
    """Article files of the corpus folder: decoded text, content hash, language and publication date
    (from sources.csv, front matter or detection). Files that cannot be read are quarantined with a reason;
    faults in files still taken in, and in sources.csv, are quarantine rows whose reason starts with note:."""
    folder_fingerprint = corpus.fingerprint()  # before reading: a file changed meanwhile reads as changed later
    articles, refused = steps.read_articles(corpus.articles_dir, max_bytes=corpus.max_bytes)
    rejected, notes = steps.split_notes(refused)
    audit = articles.drop("text").with_columns(
        published_year=pl.col("published").dt.year(),
        published_days_ahead=(pl.col("published") - pl.lit(date.today())).dt.total_days())
    gate = run_gate(audit, "raw_articles", "raw_articles")
    kept = articles.filter(pl.col("doc").is_in(gate.kept["doc"].to_list()))
    gate.quarantine = pl.concat([rejected, gate.quarantine])
    yield from _publish(context, duckdb, "raw_articles", gate, kept,
                        ["doc", "lang", "published", "date_basis", "n_chars", "encoding"],
                        {"articles_dir": corpus.articles_dir, "files_rejected": rejected.height,
                         "notes": notes.height,
                         "notes_preview": dg.MetadataValue.md(_markdown(notes.select("doc", "rule", "reason"))),
                         "folder_fingerprint": folder_fingerprint},
                        notes=notes)


@dg.asset(group_name="staging", kinds={"duckdb", "python"}, deps=[raw_articles], pool=POOL,
          check_specs=[_gate_spec("claims")], output_required=False, owners=["team:capex-data"])
def claims(context: dg.AssetExecutionContext, corpus: CorpusResource, duckdb: WarehouseResource) -> Iterator[Any]:
    """Every monetary mention in every article: value, currency, qualifier, year, metric, company, source,
    the article's own stated USD conversion, and the exact quote with its offsets. Incremental: only new or
    changed articles are read; the rest keep their claims (`capex run --full-refresh` re-reads all)."""
    with duckdb.get_connection() as con:
        articles = tables.read_table(con, tables.RAW_ARTICLES)
        previous = None if corpus.full_refresh or not tables.table_exists(con, tables.CLAIMS) else \
            tables.read_table(con, tables.CLAIMS)
    frame = steps.extract_claims(articles, previous)
    gate = run_gate(frame, "claims", "claims")
    gate.quarantine = pl.concat([steps.malformed_numbers(articles), gate.quarantine])
    known = set() if previous is None or "article_key" not in previous.columns else \
        set(previous["article_key"].to_list())
    reused = frame.filter(pl.col("article_key").is_in(list(known))).height
    yield from _publish(context, duckdb, "claims", gate, gate.kept,
                        ["doc", "quote", "value", "currency", "qualifier", "year", "metric", "company", "source"],
                        {"languages": dg.MetadataValue.json(gate.kept["lang"].value_counts().to_dicts()),
                         "claims_reused": reused, "claims_extracted": frame.height - reused,
                         "full_refresh": corpus.full_refresh})


@dg.asset(group_name="staging", kinds={"duckdb", "python"}, deps=[claims], pool=POOL,
          check_specs=[_gate_spec("usd_claims")], output_required=False, owners=["team:capex-data"])
def usd_claims(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> Iterator[Any]:
    """Claims converted to USD at the ECB reference rate of the publication date (fx_basis says which rate
    was used), with the article's implied rate checked against the ECB rate."""
    with duckdb.get_connection() as con:
        frame = steps.to_usd(tables.read_table(con, tables.CLAIMS),
                             tables.read_table(con, tables.RAW_ARTICLES, "doc, published, date_basis"))
    gate = run_gate(frame, "usd_claims", "usd_claims")
    implied = frame.filter(pl.col("implied_rate").is_not_null()).select(
        "doc", "quote", "currency", "implied_rate", "fx_rate", "fx_date", "implied_deviation")
    yield from _publish(context, duckdb, "usd_claims", gate, gate.kept,
                        ["doc", "quote", "currency", "usd_value", "fx_rate", "fx_date", "fx_basis"],
                        {"implied_vs_ecb_rates": dg.MetadataValue.md(_markdown(implied)),
                         "max_abs_implied_deviation": float(implied["implied_deviation"].abs().max() or 0.0)
                         if implied.height else 0.0,
                         "fx_basis": dg.MetadataValue.json(frame["fx_basis"].value_counts().to_dicts())})


@dg.asset(group_name="marts", kinds={"duckdb", "sql"}, deps=[usd_claims, raw_articles], pool=POOL,
          check_specs=[_gate_spec("fct_claims")], output_required=False, owners=["team:capex-analytics"])
def fct_claims(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> Iterator[Any]:
    """marts.fct_claims: one row per claim with its USD figure, FX provenance, source and quote."""
    with duckdb.get_connection() as con:
        frame = tables.read_frame(con, marts.FCT_CLAIMS.sql)
        counts = tables.reconcile_counts(con)
    gate = run_gate(frame, "fct_claims", "fct_claims")
    # every extracted claim is either in the mart exactly once or quarantined by the USD step
    expected = counts["claims"] - counts["usd_quarantined"]
    if frame.height != expected or counts["usd_claims"] != expected:
        gate.passed = False
        gate.validation.failures.append(quality.Failure(
            expectation="reconcile_row_counts", column=None, level="suite", rows=[],
            unexpected_count=abs(frame.height - expected),
            observed=f"{frame.height} mart rows; {counts}", template="mart rows do not reconcile"))
    yield from _publish(context, duckdb, "fct_claims", gate, gate.kept,
                        ["company", "metric", "year", "quote", "currency", "qualifier", "usd_value", "source"],
                        {**{f"reconcile/{k}": v for k, v in counts.items()},
                         "usd_total_bn": round(float(frame["usd_value"].sum() or 0.0) / 1e9, 2)},
                        mart=marts.FCT_CLAIMS)


def _mart_asset(mart: marts.Mart) -> dg.AssetsDefinition:
    @dg.asset(name=mart.name, group_name="marts", kinds={"duckdb", "sql"}, description=mart.description,
              deps=[dg.AssetKey(u) for u in mart.upstream], owners=["team:capex-analytics"], pool=POOL)
    def _build(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            count = marts.publish(con, mart)
            head = tables.read_frame(con, f"SELECT * FROM {mart.table} LIMIT {PREVIEW_ROWS}")
            charted = tables.read_frame(con, f"SELECT * FROM {mart.table} ORDER BY figures DESC, company, year "
                                                f"LIMIT {CHART_ROWS}") if mart is marts.CAPEX_CONSENSUS else None
        metadata = _table_metadata(mart.table, head, None, [c for c in head.columns if c in mart.preview], mart)
        metadata["dagster/row_count"] = count
        if charted is not None and charted.height:
            chart = charts.consensus_chart(charted, Path(duckdb.database).resolve().parent / "charts" /
                                           "capex_consensus.png")
            metadata |= image_metadata(context.instance, chart, mart.name, "reported USD ranges")
        return dg.MaterializeResult(metadata=metadata)

    return _build


MART_ASSETS = [_mart_asset(m) for m in marts.DERIVED]


@dg.asset(group_name="marts", kinds={"duckdb"}, deps=MART_ASSETS, pool=POOL, owners=["team:capex-analytics"])
def published_snapshot(duckdb: WarehouseResource) -> dg.MaterializeResult:
    """A read-only copy of the warehouse for analysts, swapped in atomically after every good run: readers
    (`capex query`, BI tools) open it and never hold the pipeline's write lock, and never see half a run."""
    path = warehouse.publish_snapshot(Path(duckdb.database))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "bytes": path.stat().st_size})


PIPELINE_ASSETS = [raw_articles, claims, usd_claims, fct_claims, *MART_ASSETS, published_snapshot]
