"""The warehouse's tables: their names, their DDL (`sql/schema.sql`) and the one transaction every write goes
through. A step's table and its quarantine rows are replaced together, so readers see the old state or the
new one, never half of it, and a re-run replaces rows instead of adding them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Container, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from . import package_data
from .articles import NOTE

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMAS = ("raw", "staging", "marts", "quality")
RAW_ARTICLES = "raw.articles"
CLAIMS = "staging.claims"
USD_CLAIMS = "staging.usd_claims"
FCT_CLAIMS = "marts.fct_claims"
QUARANTINE = "quality.quarantine"
VALIDATIONS = "quality.validations"
FILE_INDEX = "raw.file_index"
STEP_STATE = "staging.step_state"
# The steps whose publishes each step reads: it redoes the articles they changed (`step_todo`).
STEP_UPSTREAM = {"claims": ("raw_articles",), "usd_claims": ("claims", "raw_articles"),
                 "fct_claims": ("usd_claims", "raw_articles")}
ARTICLES_INCOMING = "raw.articles_incoming"  # this run's reads, until raw_articles publishes them
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
    quarantined = {"_q": quarantine.select(QUARANTINE_COLUMNS)} if quarantine is not None and quarantine.height else {}
    with _registered(con, _frame=frame, **quarantined), transaction(con):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
        if annotate:
            annotate(con)
        con.execute(f"DELETE FROM {QUARANTINE} WHERE step = ?", [step])
        if quarantined:
            columns = ", ".join(QUARANTINE_COLUMNS)
            con.execute(f"INSERT INTO {QUARANTINE} ({columns}, run_id) SELECT {columns}, ? FROM _q", [run_id])


def _arrow(frame: pl.DataFrame) -> pa.Table:
    """The frame as Arrow without copying its strings: Polars' own string views, which DuckDB reads (the default,
    oldest Arrow layout copies every string column: some 190 MB for 300k claims)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.newest())


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, **frames: pl.DataFrame) -> Iterator[None]:
    """The frames as views of `con`, by their keyword names, for the block's SQL; unregistered after it."""
    try:
        for name, frame in frames.items():
            con.register(name, _arrow(frame))
        yield
    finally:
        for name in frames:
            with suppress(duckdb.Error):
                con.unregister(name)


class HeldFiles(Container[str]):
    """The stat-based skip, in SQL (`sql/held_files.sql`): the listed files raw.file_index holds as they are now,
    in the connection's temporary table _held(doc, sha256, path), which `publish_articles` keeps. Only what is
    few comes into Python: the listed docs not held (a doc is held unless it is one of them) and the content
    hashes of the index entries not held (files changed, deleted or renamed)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, files: pl.DataFrame, *, reader_key: str, shown: str,
                 racy_ns: int) -> None:
        self.con = con
        with _registered(con, _files=files):
            con.execute(package_data.sql("held_files.sql"),
                        {"reader_key": reader_key, "shown": shown, "racy_ns": racy_ns})
            self.others = {doc for (doc,) in con.execute(
                "SELECT doc FROM _files WHERE doc NOT IN (SELECT doc FROM _held)").fetchall()}
        # every entry of the reader is held (the common case) when they are as many as the held files
        entries = int(scalar(con, f"SELECT count(*) FROM {FILE_INDEX} WHERE reader_key = ?", [reader_key]))
        self.gone = [] if entries == len(self) else [sha for (sha,) in con.execute(
            f"SELECT sha256 FROM {FILE_INDEX} WHERE reader_key = ? AND doc NOT IN (SELECT doc FROM _held)",
            [reader_key]).fetchall()]

    def __contains__(self, doc: object) -> bool:
        return doc not in self.others

    def __len__(self) -> int:
        return int(scalar(self.con, "SELECT count(*) FROM _held"))

    def sharing(self, shas: Collection[str]) -> list[str]:
        """The held docs whose content hash is one of `shas`, in name order."""
        if not shas:
            return []
        return [doc for (doc,) in self.con.execute("SELECT doc FROM _held WHERE list_contains(?, sha256) "
                                                   "ORDER BY doc", [list(shas)]).fetchall()]

    def release(self, docs: list[str]) -> None:
        """`docs` are read after all: no longer held."""
        self.con.execute("DELETE FROM _held WHERE list_contains(?, doc)", [docs])
        self.others.update(docs)


def hold_nothing(con: duckdb.DuckDBPyConnection) -> None:
    """An empty _held: a full read, where `publish_articles` keeps nothing of the step's old rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE _held (doc VARCHAR, sha256 VARCHAR, path VARCHAR)")


def stage_articles(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *, first: bool) -> None:
    """Append a batch of this run's reads to the incoming table (texts go to the file, not to memory)."""
    with _registered(con, _batch=frame):
        if first:
            con.execute(f"CREATE OR REPLACE TABLE {ARTICLES_INCOMING} AS SELECT * FROM _batch")
        else:
            con.execute(f"INSERT INTO {ARTICLES_INCOMING} SELECT * FROM _batch")


def fresh_articles(con: duckdb.DuckDBPyConnection, columns: str) -> pl.DataFrame:
    """This run's reads, one row per content hash (`sql/fresh_articles.sql`), without what is not asked for."""
    con.execute(package_data.sql("fresh_articles.sql"))
    return read_frame(con, f"SELECT {columns} FROM _fresh ORDER BY doc")


def drop_incoming(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {ARTICLES_INCOMING}")


def publish_articles(con: duckdb.DuckDBPyConnection, *, kept: pl.DataFrame, index: pl.DataFrame,
                     quarantine: pl.DataFrame, run_id: str | None) -> None:
    """raw.articles, its file index and quarantine rows, updated for the files read this run, in one
    transaction (`sql/publish_articles.sql`); the files not read are in the connection's _held (`HeldFiles`,
    or `hold_nothing`)."""
    ensure_schema(con)
    q = quarantine.select(QUARANTINE_COLUMNS).with_columns(run_id=pl.lit(run_id, pl.Utf8))
    held = scalar(con, "SELECT count(*) FROM _held")
    with _registered(con, _kept=kept, _index=index, _q=q), transaction(con):
        log_changes(con, "raw_articles", package_data.sql("article_changes.sql") if held else None)
        con.execute(package_data.sql("publish_articles.sql"))


@dataclass(frozen=True)
class Since:
    """Where a consumer (a step or a derived mart) stands in its upstream steps' change logs."""

    latest: dict[str, int]  # each upstream's latest change now
    taken: dict[str, int] | None  # the last change of each it has taken in; None: it must compare everything


def since(con: duckdb.DuckDBPyConnection, consumer: str, upstreams: tuple[str, ...], digest: str) -> Since:
    """`consumer`'s place in the change logs of `upstreams`: it may take in only the changes since `taken` when it
    has a state for every upstream, under the same `digest`, and no upstream was rebuilt since."""
    state = {u: (seq, d) for u, seq, d in con.execute(package_data.sql("consumed_state.sql"),
                                                       {"consumer": consumer}).fetchall()}
    latest, resets = {}, {}
    for upstream in upstreams:
        row = con.execute(package_data.sql("changes_latest.sql"), {"step": upstream}).fetchone() or (0, 0)
        latest[upstream], resets[upstream] = int(row[0]), int(row[1])
    known = all(u in state and state[u][1] == digest and resets[u] <= state[u][0] for u in upstreams)
    return Since(latest, {u: state[u][0] for u in upstreams} if known else None)


def take(con: duckdb.DuckDBPyConnection, consumer: str, digest: str, latest: dict[str, int]) -> None:
    """Record, within the caller's transaction (the consumer's publish), that `consumer` has taken in every change
    up to `latest`; changes every consumer of an upstream has taken in are pruned (its latest change stays: the
    sequence's anchor)."""
    con.execute(package_data.sql("consumed_forget.sql"), {"consumer": consumer})
    for upstream, seq in latest.items():
        con.execute(package_data.sql("consumed_record.sql"),
                    {"consumer": consumer, "upstream": upstream, "seq": seq, "digest": digest})
        con.execute(package_data.sql("changes_prune.sql"), {"upstream": upstream})


@dataclass(frozen=True)
class Work:
    """A step's work (`step_todo`): how many articles keep their rows (all but those in the connection's _drop
    table), the articles to (re)do with their keys, and where the step will stand in its upstreams' logs once
    published."""

    kept: int
    todo: pl.DataFrame  # doc, key
    latest: dict[str, int]
    digest: str
    compared: int  # articles whose keys were computed and compared with the step's state


def step_todo(con: duckdb.DuckDBPyConnection, step: str, current: str, suffix: str,
              refresh: bool = False) -> Work:
    """`step`'s work: `current` selects (doc, key) of what the step's input holds now (`suffix` is appended to
    each key), its articles narrowed by a `{scope}` condition on their doc. The articles its upstream steps
    changed since its last publish (`staging.changes`) are compared with its state (`sql/step_delta.sql`); every
    article is (`sql/step_todo.sql`) when it has no place in their logs, its input's SQL or suffix changed, an
    upstream was rebuilt, or on `refresh` (every article redone). Either way in SQL, in the connection's
    temporary tables: the corpus' keys never come into Python, and what the step's SQL reads is _drop, the articles
    whose rows go, so that a one-article run handles one article's rows, not the 100k kept."""
    ensure_schema(con)
    digest = hashlib.sha256(f"{current}|{suffix}".encode()).hexdigest()[:16]
    seen = since(con, step, STEP_UPSTREAM[step], digest)
    params: dict[str, Any] = {"suffix": suffix, "refresh": refresh, "step": step}
    if refresh or seen.taken is None:
        every = current.format(scope="IS NOT NULL")
        con.execute(package_data.sql("step_todo.sql").format(current=every), params)
        con.execute(package_data.sql("step_keep.sql"))
        table = STEP_TABLES[step]
        table_docs = f"SELECT doc FROM {table}" if table_exists(con, table) else "SELECT NULL::VARCHAR AS doc"
        con.execute(package_data.sql("step_drop.sql").format(table_docs=table_docs), {"step": step})
        compared = None
    else:
        params |= {"upstreams": list(seen.taken), "since": list(seen.taken.values())}
        # the candidates narrow the input's own scans, so that only their keys are computed
        changed = current.format(scope="IN (SELECT doc FROM _cand)")
        for statement in package_data.sql("step_delta.sql").format(current=changed).split(";\n"):
            if statement.strip():
                con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
        compared = int(scalar(con, "SELECT count(*) FROM _cur"))
    kept = int(scalar(con, f"SELECT count(*) FROM {STEP_STATE} WHERE step = ? AND doc NOT IN (SELECT doc FROM _drop)",
                      [step]))
    todo = read_frame(con, "SELECT doc, key FROM _todo")
    return Work(kept=kept, todo=todo, latest=seen.latest, digest=digest,
                compared=kept + todo.height if compared is None else compared)


def read_docs_in_chunks(con: duckdb.DuckDBPyConnection, sql: str, docs: pl.DataFrame,
                        size: int) -> Iterator[pl.DataFrame]:
    """`sql` run for `size` articles of `docs` at a time, in doc order (at least one frame, empty when `docs`
    is), with `_docs(doc)` registered and $first and $last the chunk's first and last doc: a step's 300k rows
    are never all read, sorted, converted and validated at once, and with the range the scans skip the table
    blocks outside the chunk."""
    ordered = docs.select("doc").sort("doc")
    for start in range(0, max(ordered.height, 1), size):
        chunk = ordered.slice(start, size)
        bounds = {"first": chunk["doc"].first(), "last": chunk["doc"].last()}
        with _registered(con, _docs=chunk):
            yield read_frame(con, sql, bounds)


def stream_docs(con: duckdb.DuckDBPyConnection, sql: str, docs: pl.DataFrame, batch: int) -> Iterator[pl.DataFrame]:
    """`sql` run with `_docs` (doc and the frame's other columns) registered, in frames of `batch` rows: large
    texts never all in memory."""
    with _registered(con, _docs=docs):
        for chunk in con.sql(sql).to_arrow_reader(batch):
            yield pl.from_arrow(chunk)  # type: ignore[misc]


def collisions(con: duckdb.DuckDBPyConnection, table: str, column: str, frame: pl.DataFrame) -> int:
    """How many of `frame`'s `column` values rows of `table` that stay (docs not in _drop, `step_todo`) already
    have."""
    if not table_exists(con, table) or frame.is_empty():
        return 0
    with _registered(con, _frame=frame.select(column)):
        return int(scalar(con, package_data.sql("collisions.sql").format(table=table, column=column)))


def publish_delta(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, step: str, work: Work,
                  quarantine: pl.DataFrame, run_id: str | None, rebuild: bool = False, changes: str | None = None,
                  annotate: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> None:
    """Replace the rows, quarantine rows and state of every article in _drop (`step_todo`) with `frame`,
    `quarantine` and the work's keys, in one transaction (`sql/publish_delta.sql`), which also logs what changed
    for the steps and marts that read `table` (`changes`: the SQL of its (doc, company, metric, year) rows;
    `sql/step_changes.sql` by default) and records the upstream changes the step has now taken in. `rebuild`:
    the table is made anew from `frame`'s columns in that transaction (a failure leaves the old one), then
    `annotate`d."""
    ensure_schema(con)
    q = quarantine.select(QUARANTINE_COLUMNS).with_columns(run_id=pl.lit(run_id, pl.Utf8))
    changes = changes or package_data.sql("step_changes.sql").format(step=step)
    with _registered(con, _frame=frame, _q=q, _state=work.todo.select("doc", "key")), transaction(con):
        log_changes(con, step, None if rebuild or not work.kept or not table_exists(con, table) else changes)
        take(con, step, work.digest, work.latest)
        if rebuild:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        _add_new_columns(con, table, "_frame")
        con.execute(package_data.sql("publish_delta.sql").format(table=table, step=step))
        if annotate:
            annotate(con)


def log_changes(con: duckdb.DuckDBPyConnection, step: str, rows: str | None) -> None:
    """Log, within the caller's transaction, the (doc, company, metric, year) rows `rows` selects as what
    `step`'s publish changes, for the derived marts (`marts.refresh`); None: everything changed (a full build)."""
    if rows is None:  # a rebuild supersedes the changes before it
        con.execute(package_data.sql("changes_reset.sql"), {"step": step})
    rows = rows or "SELECT NULL::VARCHAR AS doc, NULL AS company, NULL AS metric, NULL AS year"
    con.execute(package_data.sql("log_changes.sql").format(rows=rows), {"step": step})


def _add_new_columns(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """Columns a newer version adds to a step's rows, added to a table an older version wrote (NULL in its
    kept rows), so an incremental run never fails on a warehouse from before."""
    if not table_exists(con, table):
        return
    have = {name for name, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, kind, *_ in con.execute(f"DESCRIBE {source}").fetchall():
        if name not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')


def kept_totals(con: duckdb.DuckDBPyConnection, table: str, kept: int, *aggregates: str) -> tuple[Any, ...]:
    """`aggregates` (0 when there are no rows) over the rows of `table` whose doc is not in _drop (`step_todo`:
    `kept` articles): the rows a delta leaves as they are."""
    if not table_exists(con, table) or not kept:
        return tuple(0 for _ in aggregates)
    columns = ", ".join(f"coalesce({a}, 0)" for a in aggregates)
    rows = con.execute(f"SELECT {columns} FROM {table} WHERE doc NOT IN (SELECT doc FROM _drop)").fetchall()
    return tuple(float(v) if isinstance(v, float) else int(v) for v in rows[0])


def same_columns(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> bool:
    """Whether `table` exists with the columns `sql` selects, by name and in order (the query is bound, not run)."""
    return table_exists(con, table) and con.sql(sql).columns == [name for name, _ in _columns(con, table)]


def build_temp(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> str:
    """A temporary table of this connection holding `sql`'s rows; returns its name."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    return name


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {relation}").fetchall()]


def key_counts(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> tuple[int, int]:
    """(rows, distinct non-null values of `column`) of a relation."""
    rows = con.execute(f"SELECT count(*), count(DISTINCT {column}) FROM {relation}").fetchall()  # all: no open result
    return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)


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


def read_frame(con: duckdb.DuckDBPyConnection, sql: str,
               params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
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


# The lake's tables (capex_pipeline/lake.py) and the warehouse tables they are loaded into for the marts.
LAKE_TABLES = {"articles": RAW_ARTICLES, "claims": CLAIMS, "usd_claims": USD_CLAIMS}
# A crawl delivers the same article again in a later month: its rows are kept once, from the first month.
LAKE_KEYS = {"articles": "sha256", "claims": "claim_id", "usd_claims": "claim_id"}
LAKE_QUARANTINE = {step: f"quarantine_{step}" for step in ("raw_articles", "claims", "usd_claims")}


def load_lake(con: duckdb.DuckDBPyConnection, files: dict[str, list[str]]) -> None:
    """The step tables and their quarantine rows, replaced by the lake's published Parquet files (`files`: lake
    table -> file URLs, read with DuckDB's hive partitioning; each step table needs one file at least), within
    the caller's transaction. An article published in several months counts once, from its first month. No step
    made these rows: the steps' states and the file index go with the rows they described, so that a folder run
    on this warehouse reads every file and redoes every article (`step_todo` drops rows without a state)."""
    for lake_table, table in LAKE_TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * EXCLUDE (month) FROM "
                    "read_parquet(?, hive_partitioning = true, union_by_name = true) "
                    f"QUALIFY row_number() OVER (PARTITION BY {LAKE_KEYS[lake_table]} ORDER BY month, doc) = 1",
                    [files[lake_table]])
    steps = list(LAKE_QUARANTINE)
    for step in STEP_TABLES:  # tables replaced whole: what reads them compares everything
        log_changes(con, step, None)
    con.execute(f"DELETE FROM {STEP_STATE} WHERE step IN (SELECT unnest(?))", [list(STEP_TABLES)])
    con.execute(f"DELETE FROM {FILE_INDEX}")
    con.execute(f"DELETE FROM {QUARANTINE} WHERE step IN (SELECT unnest(?))", [[*steps, "fct_claims"]])
    quarantined = [f for step in steps for f in files.get(LAKE_QUARANTINE[step], [])]
    if quarantined:
        columns = ", ".join(QUARANTINE_COLUMNS)
        con.execute(f"INSERT INTO {QUARANTINE} ({columns}, run_id) SELECT {columns}, run_id FROM "
                    "read_parquet(?, hive_partitioning = true, union_by_name = true)", [quarantined])


def replace_mart(con: duckdb.DuckDBPyConnection, table: str, source: str, *, drop: pl.DataFrame,
                 quarantine: pl.DataFrame) -> None:
    """`table` replaced by the relation `source` minus the claims in `drop`, with the quarantine rows (step,
    doc, rule, reason, record, run_id) added, within the caller's transaction."""
    with _registered(con, _drop=drop.select("claim_id"), _q=quarantine):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {source} "
                    "WHERE claim_id NOT IN (SELECT claim_id FROM _drop)")
        columns = ", ".join(QUARANTINE_COLUMNS)
        con.execute(f"INSERT INTO {QUARANTINE} ({columns}, run_id) SELECT {columns}, run_id FROM _q")
