"""The analyst-facing marts, each declared by two files in `sql/marts/`: `<name>.sql` (the SELECT that builds
it) and `<name>.yaml` (its description, column comments, upstream assets and column lineage). Read once.

`fct_claims` holds one row per claim; the others are derived from it. A "figure" is one distinct amount in
one article (all its quotes together); a stated conversion's non-USD twin is the same figure and is not
counted twice (`figures.sql`, the macro the counting marts share).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import yaml

from . import package_data, tables

NAMES = ("fct_claims", "dim_articles", "capex_consensus", "source_disagreements", "fx_audit")


@dataclass(frozen=True)
class Mart:
    name: str
    description: str
    sql: str
    columns: dict[str, str]  # column -> comment
    lineage: dict[str, tuple[str, str]]  # column -> (upstream asset, its column)
    upstream: tuple[str, ...]
    preview: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"marts.{self.name}"

    @property
    def digest(self) -> str:
        """Of its SQL: part of an incremental mart's row keys, so a changed query rebuilds every row."""
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


def load(name: str) -> Mart:
    spec = yaml.safe_load(package_data.sql(f"marts/{name}.yaml"))
    upstream = tuple(spec["upstream"])
    columns, lineage = {}, {}
    for column, declared in spec["columns"].items():
        entry = declared if isinstance(declared, dict) else {"comment": declared}
        asset, _, source = entry.get("from", column).rpartition(".")
        columns[column] = entry["comment"]
        lineage[column] = (asset or upstream[0], source)
    return Mart(name=name, description=spec["description"], sql=package_data.sql(f"marts/{name}.sql"),
                columns=columns, lineage=lineage, upstream=upstream, preview=tuple(spec.get("preview", ())))


FCT_CLAIMS, DIM_ARTICLES, CAPEX_CONSENSUS, SOURCE_DISAGREEMENTS, FX_AUDIT = ALL = tuple(load(n) for n in NAMES)
DERIVED = ALL[1:]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """(Re)build one mart with its comments in one transaction; returns its row count."""
    tables.ensure_schema(con)
    with tables.transaction(con):
        return build(con, mart)


def build(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """(Re)build one mart with its comments within the caller's transaction; returns its row count."""
    if "figures()" in mart.sql:  # the macro binds marts.fct_claims when created, so only where it is used
        con.execute(package_data.sql("marts/figures.sql"))
    con.execute(f"CREATE OR REPLACE TABLE {mart.table} AS {mart.sql}")
    comment(con, mart)
    return int(tables.scalar(con, f"SELECT count(*) FROM {mart.table}"))


def comment(con: duckdb.DuckDBPyConnection, mart: Mart) -> None:
    con.execute(f"COMMENT ON TABLE {mart.table} IS {_quote(mart.description)}")
    for column, text in mart.columns.items():
        con.execute(f"COMMENT ON COLUMN {mart.table}.{column} IS {_quote(text)}")
