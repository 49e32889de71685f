"""Run a Great Expectations suite as a step's gate and turn the result into Dagster check results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import dagster as dg
import duckdb
import polars as pl

from capex_pipeline import memory, quality, render, tables
from capex_pipeline.steps import quarantine_from_gate

from .resources import GxResource


@dataclass
class Gate:
    passed: bool
    kept: pl.DataFrame
    quarantine: pl.DataFrame
    validation: quality.Validation

    def check_result(self, check_name: str, **extra: object) -> dg.AssetCheckResult:
        v = self.validation
        blocking = v.blocking_failures()
        return dg.AssetCheckResult(
            check_name=check_name,
            passed=self.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=("GX suite passed" if self.passed else
                         "GX suite failed: " + "; ".join(f.summary() for f in blocking)),
            metadata={"suite": f"capex_pipeline/expectations/{v.suite}.json", "expectations": v.evaluated,
                      "failed_expectations": len(v.failures), "blocking_failures": len(blocking),
                      "rows_checked": self.kept.height + self.quarantine.height,
                      "rows_quarantined": self.quarantine.height,
                      "failures": dg.MetadataValue.json([f.summary() for f in v.failures]),
                      "quarantined_rows": dg.MetadataValue.md(_quarantine_markdown(self.quarantine)), **extra},
        )


def _quarantine_markdown(frame: pl.DataFrame, limit: int = 20) -> str:
    if frame.is_empty():
        return "_no rows quarantined_"
    columns = ["doc", "rule", "reason"]
    return render.markdown_table(columns, frame.head(limit).select(columns).rows(), max_cell=300)


def run_gate(gx: GxResource, frame: pl.DataFrame, suite: str, step: str) -> Gate:
    """Validate `frame`; rows failing row-level expectations go to quarantine, the rest is kept."""
    validation = gx.validate(frame, suite)
    kept, failed = quality.split_rows(frame, validation)
    return Gate(passed=not validation.blocking_failures(), kept=kept,
                quarantine=quarantine_from_gate(step, failed), validation=validation)


def record_validation(con: duckdb.DuckDBPyConnection, gate: Gate, step: str, run_id: str) -> None:
    """Keep every GX result in quality.validations, passed or not."""
    v = gate.validation
    tables.record_validation(con, run_id=run_id, step=step, suite=v.suite, success=gate.passed,
                             expectations=v.evaluated, failed=len(v.failures),
                             rows_quarantined=gate.quarantine.height, details=json.dumps(v.to_metadata(), default=str))


def run_gate_in_chunks(gx: GxResource, frames: Iterable[pl.DataFrame], suite: str, step: str) -> Gate:
    """`run_gate` over a table arriving in frames (at least one; the first gives the schema), GX's copies made of
    one chunk at a time: each chunk is validated with the whole suite, and the uniqueness it expects, which spans
    rows, is completed across the chunks on their key columns alone (`_clashes`). The rows kept and quarantined
    and the gate's verdict are those of `run_gate` over the whole table."""
    kept: list[pl.DataFrame] = []
    refused: list[pl.DataFrame] = []
    keys: list[pl.DataFrame] = []
    parts: list[tuple[int, quality.Validation]] = []
    unique = quality.unique_columns(suite)
    rows = 0
    with memory.frozen():
        for chunk, frame in enumerate(frames):
            keys.append(frame.select(*unique, _chunk=pl.lit(chunk, pl.UInt32)))
            gate = run_gate(gx, frame, suite, step)
            kept.append(gate.kept)
            refused.append(gate.quarantine)
            parts.append((rows, gate.validation))
            rows += frame.height
            del gate
            memory.release(frame.height)
    validation = quality.merge(suite, parts)
    memory.large_step(rows)
    for column, clashes in _clashes(pl.concat(keys), unique):
        validation.success = False
        validation.failures.append(quality.Failure(
            expectation="expect_column_values_to_be_unique", column=column, level="suite", unexpected_count=clashes,
            rows=[], observed=f"{clashes} rows share their {column} with a row of another chunk",
            template=f"{column} is not unique across the chunks validated"))
    return Gate(passed=not validation.blocking_failures(), kept=pl.concat(kept, rechunk=False),
                quarantine=pl.concat(refused), validation=validation)


def _clashes(keys: pl.DataFrame, columns: list[str]) -> Iterator[tuple[str, int]]:
    """(column, rows) for each column whose non-null values recur in more than one chunk (`_chunk`). The values'
    64-bit hashes find the few rows that may repeat (a group-by of 300k strings would cost some 60 MB); those
    are compared exactly."""
    for column in columns:
        maybe = keys.filter(pl.col(column).is_not_null() & pl.col(column).hash().is_duplicated())
        spread = maybe.group_by(column).agg(chunks=pl.col("_chunk").n_unique(), rows=pl.len())
        if clashes := int(spread.filter(pl.col("chunks") > 1)["rows"].sum()):
            yield column, clashes
