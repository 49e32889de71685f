"""The partitioned path for an archive and its daily stream: articles, claims and USD claims per month, written
as Parquet to the lake (capex_pipeline/lake.py), and the marts built from every published month by the one
DuckDB writer.

The partition is the ingestion month, the articles folder's sub-folder `YYYY-MM/` (how news archives and
crawls are delivered: a month of CC-NEWS is one folder of files). A month is read without looking at any other,
a late article lands in the month it arrived, and a backfill is a range of months. Publication dates are not
the key: many articles have none (date_basis 'unknown'), and finding them means reading every file first.

Write-audit-publish per partition: each step validates its frame with its GX suite (the same suites as the
folder path) and writes the partition's Parquet only when it passes; the blocking check stops the month's later
steps, and the other months are untouched. `lake_marts` reloads the published months into the lake warehouse
and rebuilds the marts in one transaction, gated by the fct_claims suite: a failed gate rolls back, so the marts
stay at their last good state, and the published snapshot is copied only after a good build."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from capex_pipeline import fx, lake, marts, steps, tables, warehouse

from .gates import Gate, record_validation, run_gate
from .pipeline import GATE, POOL, batch_size, gate_spec
from .resources import ClusterResource, CorpusResource, GxResource, LakeResource, WarehouseResource

MONTHS = dg.MonthlyPartitionsDefinition(start_date="2015-01", fmt="%Y-%m", end_offset=1)
GROUP = "lake"


def _quarantine(rows: pl.DataFrame, run_id: str) -> pl.DataFrame:
    return rows.select(tables.QUARANTINE_COLUMNS).with_columns(run_id=pl.lit(run_id, pl.Utf8))


def _publish(context: dg.AssetExecutionContext, store: lake.Lake, table: str, step: str, gate: Gate,
             rows: pl.DataFrame, quarantine: pl.DataFrame, extra: dict[str, Any]) -> Iterator[Any]:
    """The partition's rows and quarantine rows published only when the gate passed (quarantine first: a crash
    in between leaves the old rows with the new quarantine, which the next run of the month replaces)."""
    key, run_id = context.partition_key, context.run.run_id
    if gate.passed:
        store.publish(tables.LAKE_QUARANTINE[step], key, _quarantine(quarantine, run_id), run_id)
        path = store.publish(table, key, rows, run_id)
        yield dg.MaterializeResult(metadata={"dagster/row_count": rows.height, "path": path,
                                             "rows_quarantined": gate.quarantine.height, **extra})
    else:
        context.log.error(f"{table} {key} not published: its GX gate failed; the month keeps its last good files")
    yield gate.check_result(GATE, **extra)


@dg.asset(partitions_def=MONTHS, group_name=GROUP, kinds={"parquet", "python"}, output_required=False,
          check_specs=[gate_spec("lake_articles", "raw_articles")], owners=["team:capex-data"])
def lake_articles(context: dg.AssetExecutionContext, corpus: CorpusResource, lake: LakeResource,
                  gx: GxResource) -> Iterator[Any]:
    """The month's article files (`<articles>/<YYYY-MM>/`), read as raw_articles reads a folder: decoded text,
    content hash, language and publication date; one row per content hash. A month with no folder is published
    empty. Gate: the raw_articles suite."""
    folder = Path(corpus.articles_dir) / context.partition_key
    frames = [pl.DataFrame(schema=steps.ARTICLE_SCHEMA)]
    refused = steps.quarantine_rows([])
    if folder.is_dir():
        scan = steps.scan_articles(folder, max_bytes=corpus.max_bytes, index=None, key="",
                                   sink=lambda frame, _: frames.append(frame))
        refused = scan.refused
    articles = steps.merge_duplicates(pl.concat(frames))
    gate = run_gate(gx, steps.article_audit(articles.drop("text")), "raw_articles", "raw_articles")
    kept = articles.join(gate.kept.select("doc"), on="doc", how="semi")
    yield from _publish(context, lake.open(), "articles", "raw_articles", gate, kept,
                        pl.concat([refused, gate.quarantine]), {"folder": str(folder), "files_refused": refused.height})


def _read(store: lake.Lake, table: str, key: str) -> pl.DataFrame:
    frame = store.read(table, key)
    if frame is None:
        raise dg.Failure(f"the lake has no published {table} for {key}: materialize that month's {table} first")
    return frame.drop(lake.PARTITION, strict=False)


@dg.asset(partitions_def=MONTHS, group_name=GROUP, kinds={"parquet", "python"}, deps=[lake_articles],
          output_required=False, check_specs=[gate_spec("lake_claims", "claims")], owners=["team:capex-data"])
def lake_claims(context: dg.AssetExecutionContext, lake: LakeResource, dask: ClusterResource,
                gx: GxResource) -> Iterator[Any]:
    """Every monetary mention in the month's articles, extracted on the Dask cluster when a scheduler is
    configured (`--dask-scheduler`, $CAPEX_DASK_SCHEDULER), else on this machine. Gate: the claims suite."""
    store = lake.open()
    articles = steps.article_keys(_read(store, "articles", context.partition_key))
    with dask.mapper() as mapper:
        frame, malformed = steps.extract_batches(articles.iter_slices(batch_size(articles.height, mapper)),
                                                 articles.height, mapper)
        where = {"extraction": f"dask {mapper.address}" if mapper else "local",
                 **({"dask_batches_by_worker": dg.MetadataValue.json(dict(mapper.done_by))} if mapper else {})}
    gate = run_gate(gx, frame, "claims", "claims")
    yield from _publish(context, store, "claims", "claims", gate, gate.kept, pl.concat([malformed, gate.quarantine]),
                        {"articles": articles.height, **where})


@dg.asset(partitions_def=MONTHS, group_name=GROUP, kinds={"parquet", "python"}, deps=[lake_claims],
          output_required=False, check_specs=[gate_spec("lake_usd_claims", "usd_claims")],
          owners=["team:capex-data"])
def lake_usd_claims(context: dg.AssetExecutionContext, lake: LakeResource, gx: GxResource) -> Iterator[Any]:
    """The month's claims in USD at the ECB rate of the publication date (as usd_claims). Gate: its suite."""
    store, key = lake.open(), context.partition_key
    dates = _read(store, "articles", key).select("doc", "published", "date_basis")
    frame = fx.convert(_read(store, "claims", key).join(dates, on="doc", how="left").sort("doc", "start_offset"))
    gate = run_gate(gx, frame, "usd_claims", "usd_claims")
    yield from _publish(context, store, "usd_claims", "usd_claims", gate, gate.kept, gate.quarantine, {})


class _Rollback(Exception):
    """The marts' gate failed: undo the reload, keep the last good marts."""


@dg.asset(group_name=GROUP, kinds={"duckdb", "sql"}, deps=[lake_articles, lake_usd_claims], pool=POOL,
          output_required=False, check_specs=[gate_spec("lake_marts", "fct_claims")], owners=["team:capex-analytics"])
def lake_marts(context: dg.AssetExecutionContext, lake: LakeResource, lake_warehouse: WarehouseResource,
               gx: GxResource) -> Iterator[Any]:
    """Every mart (fct_claims, dim_articles, capex_consensus, source_disagreements, fx_audit) built from all the
    lake's published months in the lake warehouse, then its published snapshot for analysts. One changed month
    re-runs only that month's steps; this rebuild is SQL over Parquet. Gate: the fct_claims suite, the claim_id
    uniqueness across months and the reconciliation with the claims."""
    store = lake.open()
    files = {t: store.files(t) for t in (*tables.LAKE_TABLES, *tables.LAKE_QUARANTINE.values())}
    if missing := [t for t in tables.LAKE_TABLES if not files[t]]:
        raise dg.Failure(f"the lake at {store.url} has no published month of {', '.join(missing)}: backfill first")
    db = Path(lake_warehouse.database)
    with lake_warehouse.get_connection() as con:
        tables.ensure_schema(con)
        counts: dict[str, int] = {}
        try:
            with tables.transaction(con):
                tables.load_lake(con, files)
                built = tables.build_temp(con, "_fct", marts.FCT_CLAIMS.sql)
                gate = run_gate(gx, tables.read_frame(con, f"SELECT * FROM {built}"), "fct_claims", "fct_claims")
                counts = tables.reconcile_counts(con)
                total, distinct = tables.key_counts(con, built, "claim_id")
                expected = counts["claims"] - counts["usd_quarantined"]
                if distinct != total or total - gate.quarantine.height != expected:
                    gate.passed = False
                    context.log.error(f"marts do not reconcile: {total} rows, {distinct} distinct claim_id, "
                                      f"{gate.quarantine.height} quarantined; {counts}")
                if not gate.passed:
                    raise _Rollback
                dropped = pl.DataFrame({"claim_id": [json.loads(r)["claim_id"] for r in gate.quarantine["record"]]},
                                       schema={"claim_id": pl.Utf8})
                tables.replace_mart(con, marts.FCT_CLAIMS.table, built, drop=dropped,
                                    quarantine=_quarantine(gate.quarantine, context.run.run_id))
                marts.comment(con, marts.FCT_CLAIMS)
                rows = {m.name: marts.build(con, m) for m in marts.DERIVED}
                rows["fct_claims"] = int(tables.scalar(con, f"SELECT count(*) FROM {marts.FCT_CLAIMS.table}"))
        except _Rollback:
            pass
        record_validation(con, gate, "fct_claims", context.run.run_id)
    months = {t: len(store.partitions(t)) for t in tables.LAKE_TABLES}
    if gate.passed:
        snapshot = warehouse.publish_snapshot(db)
        yield dg.MaterializeResult(metadata={"dagster/row_count": rows["fct_claims"], "database": str(db),
                                             "snapshot": dg.MetadataValue.path(str(snapshot)),
                                             "rows": dg.MetadataValue.json(rows),
                                             "months": dg.MetadataValue.json(months),
                                             **{f"reconcile/{k}": v for k, v in counts.items()}})
    else:
        context.log.error("lake marts not rebuilt: the gate failed; they keep their last good state")
    yield gate.check_result(GATE, lake=store.url, months=dg.MetadataValue.json(months))


LAKE_PARTITIONED = [lake_articles, lake_claims, lake_usd_claims]
LAKE_ASSETS = [*LAKE_PARTITIONED, lake_marts]
