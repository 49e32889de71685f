"""Great Expectations gates: load a versioned suite (the package's `expectations/`), validate a frame, split rows.

Expectations whose `meta.level` is "row" describe single rows: rows that fail them are quarantined with the
reason from `meta.reason` (formatted with the row's values) and the run goes on. Every other expectation
judges the step's output as a whole and blocks downstream assets when it fails.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import polars as pl

from . import lazy, package_data

# CAPEX_EXPECTATIONS names a folder of suites to use instead of the packaged ones.
EXPECTATIONS_DIR = Path(os.environ["CAPEX_EXPECTATIONS"]) if os.environ.get("CAPEX_EXPECTATIONS") else None


@dataclass
class Failure:
    expectation: str
    column: str | None
    level: str
    unexpected_count: int
    rows: list[int]
    observed: Any
    template: str  # meta.reason, formatted with a failing row's values
    key: str = ""  # the expectation's type and arguments: the same expectation's failures in several chunks

    @property
    def rule(self) -> str:
        """The rule a quarantine row names: the expectation type and its column."""
        return f"{self.expectation}({self.column})" if self.column else self.expectation

    def summary(self) -> str:
        target = f" on {self.column}" if self.column else ""
        return f"{self.expectation}{target}: {self.unexpected_count} unexpected (observed {self.observed})"


@dataclass
class Validation:
    suite: str
    success: bool
    evaluated: int
    failures: list[Failure] = field(default_factory=list)
    result: Any = field(default=None, repr=False)  # GX's ExpectationSuiteValidationResult, for its Data Docs page

    def blocking_failures(self) -> list[Failure]:
        return [f for f in self.failures if f.level != "row"]

    def to_metadata(self) -> dict[str, Any]:
        return {"suite": self.suite, "expectations": self.evaluated, "failed": len(self.failures),
                "failures": [f.summary() for f in self.failures]}


def suite_path(name: str) -> Traversable:
    return EXPECTATIONS_DIR / f"{name}.json" if EXPECTATIONS_DIR else package_data.suite(name)


@cache
def context() -> Any:
    """GX's ephemeral context, made once per process: the first call imports GX (and pandas: 1.5 s and about
    120 MB; the scipy.stats and altair it imports stay unloaded, `lazy.GX_UNUSED`), so the Dagster layer calls it
    when the run's resources are initialised."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    lazy.defer(lazy.GX_UNUSED)
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


@cache
def _suite_spec(name: str) -> dict[str, Any]:
    return json.loads(suite_path(name).read_text(encoding="utf-8"))


def suite_parameters() -> dict[str, Any]:
    """Values suites take by GX's `$PARAMETER`: the language registry, so the gate follows the lexicons."""
    from .extract.registry import UNDETERMINED, languages

    return {"registered_languages": [*languages(), UNDETERMINED]}


def load_suite(name: str) -> Any:
    import great_expectations as gx

    spec = _suite_spec(name)
    return gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"], meta=spec.get("meta"))


def unique_columns(suite_name: str) -> list[str]:
    """The columns the suite expects to be unique: the expectations that span rows, which a table validated in
    chunks must complete across them (every other expectation the suites use judges each row alone)."""
    return [e["kwargs"]["column"] for e in _suite_spec(suite_name)["expectations"]
            if e["type"] == "expect_column_values_to_be_unique"]


def checked_columns(suite_name: str, columns: list[str]) -> list[str]:
    """The frame's columns the suite's expectations name, in frame order; all of them when one expectation
    judges the table as a whole (it names no column)."""
    named: set[str] = set()
    for expectation in _suite_spec(suite_name)["expectations"]:
        kwargs = expectation.get("kwargs") or {}
        found = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + \
            list(kwargs.get("column_list") or ())
        condition = _condition_columns(kwargs.get("row_condition"))
        if not found or condition is None:
            return columns
        named.update(found, condition)
    return [c for c in columns if c in named]


def _condition_columns(condition: Any) -> list[str] | None:
    """The columns a structured row condition compares (its `column: {name}` nodes, at any depth); None for a
    condition written as a query string, which is not parsed here."""
    if condition is None:
        return []
    if isinstance(condition, str):
        return None
    nodes = condition.items() if isinstance(condition, dict) else enumerate(condition)
    names: list[str] = []
    for key, value in nodes:
        if key == "column":
            names.append(value["name"] if isinstance(value, dict) else value)
        elif isinstance(value, dict | list):
            if (inner := _condition_columns(value)) is None:
                return None
            names += inner
    return names


def validate(frame: pl.DataFrame, suite_name: str) -> Validation:
    """Run one suite over a frame with real GX; COMPLETE results give the failing row positions. A frame with
    no rows (an incremental run with nothing new for this step) passes without importing GX. GX gets only the
    columns the suite checks: its pandas copy of a 300k-row step with its quotes and contexts is most of a
    cold run's peak memory, and the row positions it reports are the same."""
    if frame.is_empty():
        return Validation(suite=suite_name, success=True, evaluated=0)
    gx = context()
    name = f"{suite_name}_{id(frame)}"
    asset = gx.data_sources.add_or_update_pandas(name).add_dataframe_asset(name)
    checked = frame.select(checked_columns(suite_name, frame.columns))
    batch = asset.add_batch_definition_whole_dataframe(name).get_batch(
        batch_parameters={"dataframe": checked.to_pandas()})
    result = batch.validate(load_suite(suite_name), result_format={"result_format": "COMPLETE"},
                            expectation_parameters=suite_parameters())
    gx.data_sources.delete(name)
    failures = []
    for r in result.results:
        if r.success:
            continue
        config, res = r.expectation_config, r.result or {}
        meta = config.meta or {}
        indices = [int(i) for i in res.get("unexpected_index_list") or [] if isinstance(i, int | float)]
        template = meta.get("reason", config.type)
        failures.append(Failure(
            expectation=config.type, column=config.kwargs.get("column"), level=meta.get("level", "suite"),
            unexpected_count=int(res.get("unexpected_count") or len(indices) or 0), rows=indices,
            observed=res.get("observed_value"), template=template,
            key=json.dumps([config.type, {k: v for k, v in config.kwargs.items() if k != "batch_id"}],
                           sort_keys=True, default=str),  # the batch differs from chunk to chunk
        ))
    return Validation(suite=suite_name, success=bool(result.success), evaluated=len(result.results),
                      failures=failures, result=result)


def _format(template: str, row: dict[str, Any]) -> str:
    try:
        return template.format(**row)
    except (KeyError, ValueError, TypeError):
        return template


def split_rows(frame: pl.DataFrame, validation: Validation) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Rows that pass every row-level expectation, and one quarantine record per failing row (only the
    failing rows are turned into Python dicts: the passing ones stay in Polars)."""
    failed = [f for f in validation.failures if f.level == "row" and f.rows]
    bad_rows = sorted({i for f in failed for i in f.rows})
    if not bad_rows:
        return frame, []
    records = dict(zip(bad_rows, frame[bad_rows].to_dicts(), strict=True))
    fired: dict[int, list[tuple[str, str]]] = {i: [] for i in bad_rows}  # (rule, its sentence), in suite order
    for f in failed:
        for i in f.rows:
            fired[i].append((f.rule, _format(f.template, records[i])))
    kept = _without(frame, bad_rows)
    return kept, [{"row": records[i], "rules": list(dict.fromkeys(r for r, _ in fired[i])),
                   "reasons": [sentence for _, sentence in fired[i]]} for i in bad_rows]


def _without(frame: pl.DataFrame, rows: list[int]) -> pl.DataFrame:
    """`frame` without the sorted `rows`. A few rows out: the slices between them, which share the frame's
    memory (a filtered copy of a 300k-row step costs over 100 MB at its peak); many: a filtered copy."""
    if len(rows) > 64:
        return frame.with_row_index("_row").filter(~pl.col("_row").is_in(rows)).drop("_row")
    bounds = [-1, *rows, frame.height]
    return pl.concat([frame.slice(a + 1, b - a - 1) for a, b in itertools.pairwise(bounds)],
                     rechunk=False)


def merge(suite_name: str, parts: list[tuple[int, Validation]]) -> Validation:
    """One validation of a table validated in chunks, from each chunk's first row and validation: a failure
    counts its rows in every chunk, at their positions in the whole table. GX's result, for the Data Docs page,
    holds per expectation the first chunk's result that failed, else the last chunk's."""
    failures: dict[str, Failure] = {}
    for offset, part in parts:
        for f in part.failures:
            rows = [offset + i for i in f.rows]
            if (seen := failures.get(f.key)) is None:
                failures[f.key] = replace(f, rows=rows)
            else:
                seen.unexpected_count += f.unexpected_count
                seen.rows += rows
    return Validation(suite=suite_name, success=all(p.success for _, p in parts),
                      evaluated=max((p.evaluated for _, p in parts), default=0), failures=list(failures.values()),
                      result=_merged_result([p.result for _, p in parts if p.result is not None]))


def _merged_result(chunks: list[Any]) -> Any:
    if len(chunks) < 2:
        return chunks[0] if chunks else None
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
    from great_expectations.validator.validation_statistics import calc_validation_statistics

    results = list(chunks[-1].results)
    for chunk in reversed(chunks[:-1]):  # the earliest failure wins
        results = [mine if not mine.success else kept for mine, kept in zip(chunk.results, results, strict=True)]
    stats = calc_validation_statistics(results)
    return ExpectationSuiteValidationResult(
        success=stats.success, results=results, suite_name=chunks[0].suite_name,
        suite_parameters=chunks[0].suite_parameters, meta=chunks[0].meta,
        statistics={"evaluated_expectations": stats.evaluated_expectations,
                    "successful_expectations": stats.successful_expectations,
                    "unsuccessful_expectations": stats.unsuccessful_expectations,
                    "success_percent": stats.success_percent})
