"""The analyst-facing marts, each declared by two files in `sql/marts/`: `<name>.sql` (the SELECT that builds
it) and `<name>.yaml` (its description, column comments, upstream assets and column lineage). Read once.

`fct_claims` holds one row per claim; the others are derived from it. A "figure" is one distinct amount in
one article (all its quotes together); a stated conversion's non-USD twin is the same figure and is not
counted twice (`figures.sql`, the macro the counting marts share).
"""

from __future__ import annotations

import hashlib
import re
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
    update: str | None = None  # "doc" or "group": what a derived mart is kept up to date by (`refresh`)

    @property
    def table(self) -> str:
        return f"marts.{self.name}"

    @property
    def digest(self) -> str:
        """Of its SQL: part of an incremental mart's row keys, so a changed query rebuilds every row."""
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]

    @property
    def unordered(self) -> str:
        """Its SQL without the query's own final ORDER BY (outside any parentheses, no LIMIT after it), for an
        update: the rows an update inserts are a set, and DuckDB filters a query's rows only after its sort, so
        that an update of one article sorted the whole mart's input. Unchanged when that clause cannot be told."""
        at = self.sql.rfind("ORDER BY")
        head, tail = self.sql[:at], self.sql[at:]
        if at < 0 or head.count("(") != head.count(")") or re.search(r"\b(LIMIT|OFFSET)\b|;", tail, re.IGNORECASE):
            return self.sql
        return head.rstrip()

    @property
    def state_digest(self) -> str:
        """Of all the SQL its rows come from, as `refresh` runs it: a change to any of it rebuilds the mart."""
        parts = [self.sql, str(self.update)]
        if self.update:
            parts += [package_data.sql(f"marts/{f}_{self.update}.sql") for f in _UPDATE_FILES[self.update]]
        parts += [package_data.sql("marts/figures.sql")] if "figures()" in self.sql else []
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


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
                columns=columns, lineage=lineage, upstream=upstream, preview=tuple(spec.get("preview", ())),
                update=spec.get("update"))


FCT_CLAIMS, DIM_ARTICLES, CAPEX_CONSENSUS, SOURCE_DISAGREEMENTS, FX_AUDIT = ALL = tuple(load(n) for n in NAMES)
DERIVED = ALL[1:]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def refresh(con: duckdb.DuckDBPyConnection, mart: Mart) -> tuple[int, str]:
    """Bring a derived mart up to date in one transaction: only the articles or groups its upstream step's
    publishes changed since the mart's last build (`staging.changes`, `update_<doc|group>.sql`), or the whole
    mart when it has no state, its SQL changed or the upstream table was rebuilt. Returns (rows, what was done:
    "rebuilt", "updated" or "unchanged"). A failure rolls back the mart and its state together."""
    tables.ensure_schema(con)
    step = mart.upstream[0]
    with tables.transaction(con):
        seen = tables.since(con, mart.name, (step,), mart.state_digest)
        if mart.update is None or seen.taken is None or not tables.table_exists(con, mart.table):
            how = "rebuilt"
            build(con, mart)
        elif seen.latest[step] > seen.taken[step]:
            how = "updated"
            _update(con, mart, step, seen.taken[step], seen.latest[step])
        else:
            how = "unchanged"
        tables.take(con, mart.name, mart.state_digest, seen.latest)
        return int(tables.scalar(con, f"SELECT count(*) FROM {mart.table}")), how


def _update(con: duckdb.DuckDBPyConnection, mart: Mart, step: str, since: int, latest: int) -> None:
    """The mart's rows of the articles or groups `step` changed after change `since` (up to `latest`), replaced."""
    _changes(con, mart.update or "", step, since, latest)
    con.execute(package_data.sql(f"marts/update_{mart.update}.sql").format(table=mart.table, sql=mart.unordered))


# What an update reads, by `update`: the changed articles or groups (changed_*.sql) and, for a group mart, the
# figures of those groups (scope_group.sql); then update_*.sql replaces the mart's rows.
_UPDATE_FILES = {"doc": ("changed", "update"), "group": ("changed", "scope", "update")}


def _changes(con: duckdb.DuckDBPyConnection, update: str, step: str, since: int, latest: int) -> None:
    """The connection's temporary tables of what `step` changed after change `since` (`_changed`, and `_figures` for
    a group mart), built once for every mart of the same `update` kind that takes in the same changes: the second
    group mart of a step reads the figures the first one gathered (at 100k articles their scan of fct_claims set
    the run's peak). `_changes_key` says what they hold, up to the step's latest change; it is made in the same
    transaction, so a rolled-back update takes it away with them."""
    key = (update, step, since, latest)
    if tables.scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '_changes_key'") \
            and con.execute("SELECT kind, step, since, latest FROM _changes_key").fetchall() == [key]:
        return
    con.execute(package_data.sql(f"marts/changed_{update}.sql"), {"step": step, "since": since})
    if "scope" in _UPDATE_FILES[update]:
        scoped = ("(SELECT c.* FROM marts.fct_claims c SEMI JOIN _scope s "
                  "ON c.doc = s.doc AND c.amount_id IS NOT DISTINCT FROM s.amount_id)")  # all rows of _scope's figures
        con.execute(package_data.sql(f"marts/scope_{update}.sql").format(figures=_figures(scoped)))
    con.execute("CREATE OR REPLACE TEMP TABLE _changes_key AS SELECT ? AS kind, ? AS step, ?::BIGINT AS since, "
                "?::BIGINT AS latest", list(key))


def _figures(claims: str = "marts.fct_claims") -> str:
    return package_data.sql("marts/figures.sql").format(claims=claims)


def build(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """(Re)build one mart with its comments within the caller's transaction; returns its row count."""
    if "figures()" in mart.sql:  # the macro binds marts.fct_claims when created, so only where it is used
        con.execute(_figures())
    con.execute(f"CREATE OR REPLACE TABLE {mart.table} AS {mart.sql}")
    comment(con, mart)
    return int(tables.scalar(con, f"SELECT count(*) FROM {mart.table}"))


def comment(con: duckdb.DuckDBPyConnection, mart: Mart) -> None:
    con.execute(f"COMMENT ON TABLE {mart.table} IS {_quote(mart.description)}")
    for column, text in mart.columns.items():
        con.execute(f"COMMENT ON COLUMN {mart.table}.{column} IS {_quote(text)}")
