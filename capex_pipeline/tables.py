"""The warehouse's tables: their names, their DDL (`sql/schema.sql`) and the one transaction every write goes
through. A step's table and its quarantine rows are replaced together, so readers see the old state or the
new one, never half of it, and a re-run replaces rows instead of adding them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import duckdb
import polars as pl

from . import package_data
from .articles import NOTE

SCHEMAS = ("raw", "staging", "marts", "quality")
RAW_ARTICLES = "raw.articles"
CLAIMS = "staging.claims"
USD_CLAIMS = "staging.usd_claims"
FCT_CLAIMS = "marts.fct_claims"
QUARANTINE = "quality.quarantine"
VALIDATIONS = "quality.validations"
# The gated steps and the table each publishes, in pipeline order.
STEP_TABLES = {"raw_articles": RAW_ARTICLES, "claims": CLAIMS, "usd_claims": USD_CLAIMS, "fct_claims": FCT_CLAIMS}
QUARANTINE_COLUMNS = ("step", "doc", "rule", "reason", "record")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back when the block raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The schemas and quality tables; a quarantine table of an older version gains its rule column."""
    con.execute(package_data.sql("schema.sql"))
    if scalar(con, "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'quality' AND "
                   "table_name = 'quarantine' AND column_name = 'detail'"):
        with transaction(con):
            con.execute(package_data.sql("quarantine_rule.sql"))


def replace(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, step: str,
            quarantine: pl.DataFrame | None = None, run_id: str | None = None,
            annotate: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> None:
    """Replace `table` with `frame` and this step's quarantine rows with `quarantine`, in one transaction."""
    ensure_schema(con)
    try:
        with transaction(con):
            con.register("_frame", frame.to_arrow())
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
            if annotate:
                annotate(con)
            con.execute(f"DELETE FROM {QUARANTINE} WHERE step = ?", [step])
            if quarantine is not None and quarantine.height:
                con.register("_q", quarantine.select(QUARANTINE_COLUMNS).to_arrow())
                columns = ", ".join(QUARANTINE_COLUMNS)
                con.execute(f"INSERT INTO {QUARANTINE} ({columns}, run_id) SELECT {columns}, ? FROM _q", [run_id])
    finally:
        for name in ("_frame", "_q"):
            with suppress(duckdb.Error):
                con.unregister(name)


def record_validation(con: duckdb.DuckDBPyConnection, *, run_id: str, step: str, suite: str, success: bool,
                      expectations: int, failed: int, rows_quarantined: int, details: str) -> None:
    """One row of quality.validations: a step's GX run, kept whether it passed or not."""
    ensure_schema(con)
    con.execute(f"INSERT INTO {VALIDATIONS} (run_id, step, suite, success, expectations, failed, rows_quarantined, "
                f"details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, step, suite, success, expectations, failed, rows_quarantined, details])


def quarantine_counts(con: duckdb.DuckDBPyConnection, step: str) -> tuple[int, int]:
    """(refused rows, notes) a step left in quality.quarantine."""
    if not table_exists(con, QUARANTINE):
        return 0, 0
    row = con.execute(f"SELECT count(*) FILTER (NOT starts_with(rule, '{NOTE}')), "
                      f"count(*) FILTER (starts_with(rule, '{NOTE}')) FROM {QUARANTINE} WHERE step = ?",
                      [step]).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def reconcile_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Claims, USD claims and the USD step's quarantined rows (`sql/reconcile.sql`)."""
    return read_frame(con, package_data.sql("reconcile.sql")).row(0, named=True)


def read_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
    return pl.from_arrow(con.sql(sql, params=params).to_arrow_table())  # type: ignore[return-value]


def read_table(con: duckdb.DuckDBPyConnection, table: str, columns: str = "*") -> pl.DataFrame:
    return read_frame(con, f"SELECT {columns} FROM {table}")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND "
                            "table_name = ?", [schema, name]))
