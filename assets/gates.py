"""Run a Great Expectations suite as a step's gate and turn the result into Dagster check results."""

from __future__ import annotations

import json
from dataclasses import dataclass

import dagster as dg
import duckdb
import polars as pl

from capex_pipeline import quality, render, tables
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
