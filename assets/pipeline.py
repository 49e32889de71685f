"""The pipeline's assets: raw -> staging -> marts, each gated by its own blocking GX check.

Write-audit-publish: every asset computes its frame, validates it, and writes its DuckDB table only when
its suite passes (with row-level failures moved to quality.quarantine in the same transaction). A failed
gate leaves the table at its last good state and, being blocking, stops every downstream asset in the run.
"""


from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb as duckdb_  # the asset parameters are named `duckdb` (the resource key)
import polars as pl

from capex_pipeline import charts, data_docs, fx, marts, memory, package_data, quality, render, steps, tables, warehouse
from capex_pipeline.cluster import ClusterMap

from .gates import Gate, record_validation, run_gate, run_gate_in_chunks
from .images import image_metadata
from .resources import ClusterResource, CorpusResource, GxResource, WarehouseResource

GATE = "gx_gate"
POOL = "capex_warehouse"  # DuckDB has one writer: every asset that writes the file is in this pool
PREVIEW_ROWS = 10
CHART_ROWS = 30  # the most-reported company / year / metric groups
# The claims, USD and fct_claims steps read, convert and validate a cold 100k-article run in five chunks or so:
# DuckDB's sorts, the conversion's joins and GX's copies are of one chunk at a time (`run_gate_in_chunks`).
CHUNK_ARTICLES = 20_000  # USD and fct_claims: articles per chunk, about 70k rows in the generated corpus
GATE_CHUNK = 70_000  # claims: rows of the extracted claims per validation


def gate_spec(asset: str, suite: str | None = None) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(GATE, asset=asset, blocking=True,
                             description=f"Great Expectations suite capex_pipeline/expectations/{suite or asset}.json")


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


def _fail(gate: Gate, expectation: str, column: str | None, count: int, observed: str, template: str) -> None:
    """A whole-table rule checked in SQL, added to the gate's GX result as a blocking failure."""
    gate.passed = False
    gate.validation.failures.append(quality.Failure(expectation=expectation, column=column, level="suite", rows=[],
                                                    unexpected_count=count, observed=observed, template=template))


Write = Callable[[duckdb_.DuckDBPyConnection, pl.DataFrame], None]


def _publish(context: dg.AssetExecutionContext, con: duckdb_.DuckDBPyConnection, step: str, gate: Gate,
             preview: list[str], write: Write, extra: dict[str, Any] | None = None,
             mart: marts.Mart | None = None, notes: pl.DataFrame | None = None,
             ) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Record the gate's result; only when it passed, `write` the step's rows with its quarantine rows (one
    transaction), then describe the table as it now is (row count and preview read back from it)."""
    table = tables.STEP_TABLES[step]
    # notes are stored with the quarantine rows but are not counted as refused rows in the gate's metadata
    quarantine = gate.quarantine if notes is None else pl.concat([gate.quarantine, notes])
    record_validation(con, gate, step, context.run.run_id)
    if gate.passed:  # the materialization first, so the check result targets this run's table
        write(con, quarantine)
        head = tables.read_frame(con, f"SELECT * FROM {table} LIMIT {PREVIEW_ROWS}")
        metadata = _table_metadata(table, head.drop("text", strict=False), gate.quarantine.height, preview, mart)
        metadata["dagster/row_count"] = int(tables.scalar(con, f"SELECT count(*) FROM {table}"))
        metadata["rows_written"] = gate.kept.height  # new or changed rows (validated by the gate)
        yield dg.MaterializeResult(metadata=metadata | (extra or {}))
    yield gate.check_result(GATE, **(extra or {}), **_data_docs(context, _database_path(con), gate, step))
    if not gate.passed:
        context.log.error(f"{table} not published: its GX gate failed; the table keeps its last good state")


def _database_path(con: duckdb_.DuckDBPyConnection) -> str:
    return str(tables.scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))


def _data_docs(context: dg.AssetExecutionContext, database: str, gate: Gate, step: str) -> dict[str, Any]:
    """The gate's GX Data Docs page, linked from the check's metadata. Pages are per Dagster run, like its logs,
    so they live in the instance's folder ($DAGSTER_HOME/data_docs; GX's 4 MB of static files stay off the
    warehouse's disk), or beside the database for a throwaway instance. The page is a by-product: a failure to
    write it is logged and never fails the gate."""
    instance = context.instance
    folder = Path(database).resolve().parent if instance.is_ephemeral else Path(instance.root_directory)
    try:
        page = data_docs.build_page(gate.validation, folder / "data_docs", context.run.run_id, step)
    except Exception as exc:  # GX rendering or the disk: the validation itself stands
        context.log.warning(f"GX Data Docs for {step} not written: {type(exc).__name__}: {exc}")
        return {"data_docs_error": f"{type(exc).__name__}: {exc}"}
    return {"data_docs": dg.MetadataValue.path(str(page))} if page else {}


@dg.asset(group_name="raw", kinds={"duckdb", "python"}, check_specs=[gate_spec("raw_articles")], pool=POOL,
          output_required=False, owners=["team:capex-data"])
def raw_articles(context: dg.AssetExecutionContext, corpus: CorpusResource, duckdb: WarehouseResource,
                 gx: GxResource) -> Iterator[Any]:
    """Article files of the corpus folder: decoded text, content hash, language and publication date
    (from sources.csv, front matter or detection). Files that cannot be read are quarantined with a reason;
    faults in files still taken in, and in sources.csv, are quarantine rows whose reason starts with note:.
    Incremental: a file whose size, mtime, inode and sources.csv row are as last read is not opened again
    (`capex run --full-refresh` re-reads and re-hashes all); the gate validates the rows read this run."""
    # One listing, one stat per file, before reading: the fingerprint and the skip share it, and a file changed
    # meanwhile reads as changed next run.
    listing = corpus.listing()
    folder_fingerprint = corpus.fingerprint(listing)
    key = steps.reader_key(corpus.articles_dir, corpus.max_bytes)
    with duckdb.get_connection() as con:
        tables.ensure_schema(con)  # a first run may be a full refresh, which reads no index
        if corpus.full_refresh:
            tables.hold_nothing(con)
        scan = steps.scan_articles(corpus.articles_dir, max_bytes=corpus.max_bytes,
                                   index=None if corpus.full_refresh else con, key=key,
                                   sink=lambda frame, first: tables.stage_articles(con, frame, first=first),
                                   listing=listing)
        memory.large_step(scan.files_read)
        rejected, notes = steps.split_notes(scan.refused)
        fresh = tables.fresh_articles(con, "* EXCLUDE (text)")
        gate = run_gate(gx, steps.article_audit(fresh), "raw_articles", "raw_articles")
        gate.quarantine = pl.concat([rejected, gate.quarantine])

        def write(con: duckdb_.DuckDBPyConnection, quarantine: pl.DataFrame) -> None:
            tables.publish_articles(con, kept=gate.kept.select("doc"), index=scan.index, quarantine=quarantine,
                                    run_id=context.run.run_id)

        yield from _publish(context, con, "raw_articles", gate,
                            ["doc", "lang", "published", "date_basis", "n_chars", "encoding"], write,
                            {"articles_dir": corpus.articles_dir, "files_rejected": rejected.height,
                             "files_read": scan.files_read, "files_unchanged": scan.unchanged,
                             "notes": notes.height,
                             "notes_preview": dg.MetadataValue.md(_markdown(notes.select("doc", "rule", "reason"))),
                             "folder_fingerprint": folder_fingerprint, "full_refresh": corpus.full_refresh},
                            notes=notes)
        tables.drop_incoming(con)  # a failed gate leaves this run's reads behind otherwise


def _work(con: duckdb_.DuckDBPyConnection, step: str, current: str, suffix: str,
          full_refresh: bool = False) -> tables.Work:
    """What `step` keeps (all but the connection's _drop table) and must (re)do; `current` (SQL) selects
    (doc, key) of the step's input, `suffix` what else its rows depend on."""
    return tables.step_todo(con, step, current, suffix, full_refresh)


def _unique_across(con: duckdb_.DuckDBPyConnection, gate: Gate, table: str, column: str) -> None:
    """The suite's uniqueness of `column`, across the rows kept and the new ones (GX saw only the new ones)."""
    if clashes := tables.collisions(con, table, column, gate.kept):
        _fail(gate, "expect_column_values_to_be_unique", column, clashes,
              f"{clashes} new {column} values already in {table}", f"{column} is not unique across {table}")


CLAIMS_BATCH = 500  # articles per batch sent to an extraction worker
BATCHES_PER_WORKER = 4  # on a cluster, smaller batches when the work is small, so every worker gets some


def batch_size(articles: int, mapper: ClusterMap | None) -> int:
    if mapper is None:
        return CLAIMS_BATCH
    return max(1, min(CLAIMS_BATCH, -(-articles // (BATCHES_PER_WORKER * mapper.workers()))))


@dg.asset(group_name="staging", kinds={"duckdb", "python"}, deps=[raw_articles], pool=POOL,
          check_specs=[gate_spec("claims")], output_required=False, owners=["team:capex-data"])
def claims(context: dg.AssetExecutionContext, corpus: CorpusResource, duckdb: WarehouseResource,
           dask: ClusterResource, gx: GxResource) -> Iterator[Any]:
    """Every monetary mention in every article: value, currency, qualifier, year, metric, company, source,
    the article's own stated USD conversion, and the exact quote with its offsets. Incremental: only new or
    changed articles are read; the rest keep their claims (`capex run --full-refresh` re-reads all).
    With a Dask scheduler configured (`capex run --dask-scheduler`, $CAPEX_DASK_SCHEDULER), the extraction
    runs on its workers; the metadata says where it ran and how many batches each worker computed."""
    with duckdb.get_connection() as con, dask.mapper() as mapper:
        work = _work(con, "claims", package_data.sql("claims_current.sql"), steps.extractor_fingerprint(),
                     corpus.full_refresh)
        todo = work.todo
        frame, malformed = steps.extract_batches(
            tables.stream_docs(con, package_data.sql("article_texts.sql"), todo, batch_size(todo.height, mapper)),
            todo.height, mapper)
        where = {"extraction": f"dask {mapper.address}" if mapper else "local",
                 **({"dask_batches_by_worker": dg.MetadataValue.json(dict(mapper.done_by))} if mapper else {})}
        gate = run_gate_in_chunks(gx, (frame.slice(start, GATE_CHUNK) for start in
                                       range(0, max(frame.height, 1), GATE_CHUNK)), "claims", "claims")
        gate.quarantine = pl.concat([malformed, gate.quarantine])
        _unique_across(con, gate, tables.CLAIMS, "claim_id")

        def write(con: duckdb_.DuckDBPyConnection, quarantine: pl.DataFrame) -> None:
            tables.publish_delta(con, tables.CLAIMS, gate.kept, step="claims", work=work,
                                 quarantine=quarantine, run_id=context.run.run_id)

        reused = int(tables.scalar(con, f"SELECT count(*) FROM {tables.CLAIMS}")) - gate.kept.height \
            if gate.passed and tables.table_exists(con, tables.CLAIMS) else 0
        yield from _publish(context, con, "claims", gate,
                            ["doc", "quote", "value", "currency", "qualifier", "year", "metric", "company", "source"],
                            write,
                            {"languages": dg.MetadataValue.json(gate.kept["lang"].value_counts().to_dicts()),
                             "articles_compared": work.compared,
                             "articles_extracted": todo.height, "claims_extracted": frame.height,
                             "full_refresh": corpus.full_refresh, **where}
                            | ({"claims_reused": reused} if gate.passed else {}))


@dg.asset(group_name="staging", kinds={"duckdb", "python"}, deps=[claims], pool=POOL,
          check_specs=[gate_spec("usd_claims")], output_required=False, owners=["team:capex-data"])
def usd_claims(context: dg.AssetExecutionContext, duckdb: WarehouseResource, gx: GxResource) -> Iterator[Any]:
    """Claims converted to USD at the ECB reference rate of the publication date (fx_basis says which rate
    was used), with the article's implied rate checked against the ECB rate. Incremental: only the claims of
    articles whose claims or date changed are converted and validated."""
    with duckdb.get_connection() as con:
        tables.ensure_schema(con)
        # the rates are an input too: a new rates file or ECB history redoes every article's USD rows
        work = _work(con, "usd_claims", package_data.sql("usd_current.sql"), fx.rates_key())
        todo = work.todo
        implied: list[pl.DataFrame] = []
        bases: list[pl.DataFrame] = []

        def converted() -> Iterator[pl.DataFrame]:
            for claims in tables.read_docs_in_chunks(con, package_data.sql("usd_input.sql"), todo, CHUNK_ARTICLES):
                frame = fx.convert(claims)
                implied.append(frame.filter(pl.col("implied_rate").is_not_null()).select(
                    "doc", "quote", "currency", "implied_rate", "fx_rate", "fx_date", "implied_deviation"))
                bases.append(frame["fx_basis"].value_counts())
                yield frame

        gate = run_gate_in_chunks(gx, converted(), "usd_claims", "usd_claims")
        _unique_across(con, gate, tables.USD_CLAIMS, "claim_id")
        implied_rates = pl.concat(implied)
        fx_basis = pl.concat(bases).group_by("fx_basis", maintain_order=True).agg(pl.col("count").sum())

        def write(con: duckdb_.DuckDBPyConnection, quarantine: pl.DataFrame) -> None:
            tables.publish_delta(con, tables.USD_CLAIMS, gate.kept, step="usd_claims", work=work,
                                 quarantine=quarantine, run_id=context.run.run_id)

        yield from _publish(context, con, "usd_claims", gate,
                            ["doc", "quote", "currency", "usd_value", "fx_rate", "fx_date", "fx_basis"], write,
                            {"implied_vs_ecb_rates": dg.MetadataValue.md(_markdown(implied_rates)),
                             "articles_compared": work.compared, "articles_converted": todo.height,
                             "max_abs_implied_deviation":
                                 float(implied_rates["implied_deviation"].abs().max() or 0.0)
                                 if implied_rates.height else 0.0,
                             "fx_basis": dg.MetadataValue.json(fx_basis.to_dicts())})


@dg.asset(group_name="marts", kinds={"duckdb", "sql"}, deps=[usd_claims, raw_articles], pool=POOL,
          check_specs=[gate_spec("fct_claims")], output_required=False, owners=["team:capex-analytics"])
def fct_claims(context: dg.AssetExecutionContext, duckdb: WarehouseResource, gx: GxResource) -> Iterator[Any]:
    """marts.fct_claims: one row per claim with its USD figure, FX provenance, source and quote. Built in SQL,
    incrementally: only the rows of articles whose USD claims or provenance changed (or all, when the mart's SQL
    or columns changed) are built, validated by the gate and replaced; uniqueness of claim_id across the mart
    and the reconciliation with the claims are checked in SQL over the whole mart."""
    mart = marts.FCT_CLAIMS
    with duckdb.get_connection() as con:
        tables.ensure_schema(con)
        rebuild = not tables.same_columns(con, mart.sql, mart.table)
        work = _work(con, "fct_claims", package_data.sql("fct_current.sql"), mart.digest, rebuild)
        kept, todo = work.kept, work.todo
        chunks = tables.read_docs_in_chunks(con, package_data.sql("fct_todo.sql").format(mart=mart.sql), todo,
                                            CHUNK_ARTICLES)
        counts = tables.reconcile_counts(con)
        gate = run_gate_in_chunks(gx, chunks, "fct_claims", "fct_claims")
        _unique_across(con, gate, mart.table, "claim_id")
        # every extracted claim is either in the mart exactly once or quarantined by the USD step
        expected = counts["claims"] - counts["usd_quarantined"]
        kept_rows, kept_usd = tables.kept_totals(con, mart.table, kept, "count(*)", "sum(usd_value)")
        mart_rows = kept_rows + gate.kept.height
        if mart_rows != expected or counts["usd_claims"] != expected:
            _fail(gate, "reconcile_row_counts", None, abs(mart_rows - expected), f"{mart_rows} mart rows; {counts}",
                  "mart rows do not reconcile")

        def write(con: duckdb_.DuckDBPyConnection, quarantine: pl.DataFrame) -> None:
            tables.publish_delta(con, mart.table, gate.kept, step="fct_claims", work=work,
                                 quarantine=quarantine, run_id=context.run.run_id, rebuild=rebuild,
                                 changes=package_data.sql("fct_changes.sql"),
                                 annotate=(lambda c: marts.comment(c, mart)) if rebuild else None)

        yield from _publish(context, con, "fct_claims", gate,
                            ["company", "metric", "year", "quote", "currency", "qualifier", "usd_value", "source"],
                            write,
                            {**{f"reconcile/{k}": v for k, v in counts.items()},
                             "articles_compared": work.compared, "articles_rebuilt": todo.height,
                             "usd_total_bn": round((kept_usd + float(gate.kept["usd_value"].sum() or 0.0)) / 1e9, 2)},
                            mart=mart)


SNAPSHOT = "published_snapshot"
# The marts built from fct_claims share one step with the snapshot; a mart of another upstream (dim_articles,
# from raw_articles) keeps its own step, so that it still goes ahead when a gate between them fails.
FROM_FCT = [m for m in marts.DERIVED if m.upstream == (marts.FCT_CLAIMS.name,)]


def _mart_spec(mart: marts.Mart) -> dg.AssetSpec:
    return dg.AssetSpec(mart.name, group_name="marts", kinds={"duckdb", "sql"}, description=mart.description,
                        deps=[dg.AssetKey(u) for u in mart.upstream], owners=["team:capex-analytics"])


def _mart_asset(mart: marts.Mart) -> dg.AssetsDefinition:
    @dg.multi_asset(name=mart.name, specs=[_mart_spec(mart)], pool=POOL)
    def _build(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            return _refresh_mart(context, con, mart, Path(duckdb.database))

    return _build


OWN_STEP = [_mart_asset(m) for m in marts.DERIVED if m not in FROM_FCT]

_SNAPSHOT_SPEC = dg.AssetSpec(
    SNAPSHOT, group_name="marts", kinds={"duckdb"}, deps=[m.name for m in marts.DERIVED],
    owners=["team:capex-analytics"],
    description="A read-only copy of the warehouse for analysts, swapped in atomically after every good run: readers "
                "(`capex query`, BI tools) open it and never hold the pipeline's write lock, and never see half a run.")


@dg.multi_asset(specs=[*(_mart_spec(m) for m in FROM_FCT), _SNAPSHOT_SPEC], can_subset=True, pool=POOL)
def fct_marts(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    """The marts derived from fct_claims, then the published snapshot, in one step: each is still its own asset,
    brought up to date in its own transaction, but a Dagster step and a database connection cost 0.1-0.3 s
    each, more than updating a mart for a new article. A mart whose update fails keeps its last good state;
    the others still go ahead, and the step fails after them without publishing the snapshot."""
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    failed: list[Exception] = []
    with duckdb.get_connection() as con:
        for mart in (m for m in FROM_FCT if m.name in selected):
            try:
                yield _refresh_mart(context, con, mart, Path(duckdb.database))
            except Exception as exc:  # the step fails below, once the other marts are up to date
                context.log.error(f"{mart.name} failed, {mart.table} as last committed: {type(exc).__name__}: {exc}")
                failed.append(exc)
    if failed:
        raise failed[0]
    if SNAPSHOT in selected:  # after the connection closed: the file is checkpointed, no writer of ours is open
        path = warehouse.publish_snapshot(Path(duckdb.database))
        yield dg.MaterializeResult(asset_key=SNAPSHOT, metadata={"path": dg.MetadataValue.path(str(path)),
                                                                 "bytes": path.stat().st_size})


def _refresh_mart(context: dg.AssetExecutionContext, con: duckdb_.DuckDBPyConnection, mart: marts.Mart,
                  database: Path) -> dg.MaterializeResult:
    count, how = marts.refresh(con, mart)
    head = tables.read_frame(con, f"SELECT * FROM {mart.table} LIMIT {PREVIEW_ROWS}")
    metadata = _table_metadata(mart.table, head, None, [c for c in head.columns if c in mart.preview], mart)
    metadata["dagster/row_count"] = count
    metadata["build"] = how  # rebuilt whole, updated for what changed upstream, or unchanged
    if mart is marts.CAPEX_CONSENSUS:
        charted = tables.read_frame(con, f"SELECT * FROM {mart.table} ORDER BY figures DESC, company, year, metric "
                                         f"LIMIT {CHART_ROWS}")
        if charted.height:
            chart = charts.consensus_chart(charted, database.resolve().parent / "charts" / "capex_consensus.svg")
            metadata |= image_metadata(context.instance, chart, mart.name, "reported USD ranges")
    return dg.MaterializeResult(asset_key=mart.name, metadata=metadata)


PIPELINE_ASSETS = [raw_articles, claims, usd_claims, fct_claims, *OWN_STEP, fct_marts]
