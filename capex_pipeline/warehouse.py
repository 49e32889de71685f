"""The DuckDB warehouse file: connections, the single-writer lock, the published snapshot, and the one sealed,
read-only connection analysts get. What is inside it (tables, DDL, transactions) is `tables.py`."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import duckdb

DEFAULT_DB = Path("data/capex.duckdb")
# DuckDB keeps what it reads and sorts in its buffer pool up to this: 128MB holds a cold 100k-article run under
# 1 GB (256MB: 1,046 MB, 512MB: 1.1-1.2 GB), and the cold and incremental runs are as fast (docs/scaling.md)
WRITER_MEMORY_LIMIT = "128MB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


# DuckDB's allocator keeps what an operator frees at once (a hash table, a sort's runs) for reuse until 512 MiB
# of such frees add up, and a run's steps each open the file anew and reuse little of it: handed back to the
# system from 64kB (a one-article run at 100k peaks 448-456 -> 433-435 MB for some 0.05 s more in fct_marts;
# 1kB: the same peak, more CPU; 1MB and up: no lower peak).
BULK_FREE_FLUSH = "64kB"


def limit_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """DuckDB's `memory_limit` for this database (a size such as 512MB); the setting is per database, so every
    connection of the run shares it. What an operator frees in bulk goes back to the system (`BULK_FREE_FLUSH`)."""
    if not _MEMORY.fullmatch(limit.strip()):
        raise ValueError(f"memory limit {limit!r} is not a size such as 512MB")
    con.execute(f"SET memory_limit = '{limit.strip()}'")
    con.execute(f"SET allocator_bulk_deallocation_flush_threshold = '{BULK_FREE_FLUSH}'")


def snapshot_path(db: Path) -> Path:
    """The analysts' read-only copy of a warehouse file: capex.duckdb -> capex.published.duckdb."""
    return db.with_name(f"{db.stem}.published{db.suffix}")


def publish_snapshot(db: Path) -> Path:
    """Checkpoint the warehouse and swap a copy of it in as the published snapshot (atomic rename, so a reader
    keeps the file it opened and the next reader gets the new one). A full or read-only disk leaves the old
    snapshot in place, removes the partial copy and raises WarehouseUnavailable with one line."""
    target = snapshot_path(db)
    tmp = target.with_name(f".{target.name}.{os.getpid()}{_TMP_SUFFIX}")
    try:
        if wal_path(db).exists():  # else every commit is in the file already: opening it only to checkpoint
            with connect(db) as con:  # costs 0.01-0.03 s, more as the catalog grows
                con.execute("CHECKPOINT")
        shutil.copyfile(db, tmp)
        os.replace(tmp, target)
    except (OSError, duckdb.Error) as exc:
        with suppress(OSError):
            tmp.unlink()
        if reason := disk_error(exc):
            raise WarehouseUnavailable(f"cannot publish the snapshot {target}: {reason}") from exc
        raise
    return target


def wal_path(db: Path) -> Path:
    """DuckDB's write-ahead log of `db`: the commits not yet checkpointed into the file; gone after a checkpoint."""
    return db.with_name(f"{db.name}.wal")


def lake_db(db: Path) -> Path:
    """The warehouse of the marts built from the lake, beside `db`: capex.duckdb -> capex.lake.duckdb (its
    snapshot: capex.lake.published.duckdb, which `capex query --db data/capex.lake.duckdb` reads)."""
    return db.with_name(f"{db.stem}.lake{db.suffix}")


def published_path(db: Path) -> Path:
    """The snapshot analysts read for `db`: its published copy, or `db` itself when it already is one."""
    return db if db.stem.endswith(".published") else snapshot_path(db)


def db_path(explicit: str | Path | None = None) -> Path:
    """--db PATH, else $CAPEX_DB, else data/capex.duckdb."""
    return Path(explicit or os.environ.get("CAPEX_DB") or DEFAULT_DB)


class WarehouseUnavailable(Exception):
    """The database file cannot be opened: a bad path, no permission, another writer holds its lock, or no
    snapshot has been published yet."""


def check_writable(path: Path) -> None:
    """Fail fast, with one clear sentence, when `path` cannot be opened for writing right now."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path, retries=8):  # a couple of seconds for a passing reader
            pass
    except OSError as exc:
        raise WarehouseUnavailable(f"cannot write the database at {path}: "
                                   f"{disk_error(exc) or exc.strerror or exc}") from exc
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if reason := disk_error(exc):
            raise WarehouseUnavailable(f"cannot write the database at {path}: {reason}") from exc
        if "lock" in message.lower():
            raise WarehouseUnavailable(f"the database {path} is locked by another process; try again when it "
                                       f"finishes ({message})") from exc
        raise WarehouseUnavailable(f"cannot open the database at {path}: {message}") from exc


# Errors no retry fixes (a full, read-only or forbidden disk), in the words the user sees.
_DISK_ERRNOS = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
                errno.EFBIG: "file too large for the file system", errno.EROFS: "read-only file system",
                errno.EACCES: "permission denied", errno.EPERM: "operation not permitted"}


def disk_error(exc: BaseException) -> str | None:
    """The reason, in a few words, when `exc` (an OSError, or DuckDB's IO error) is a full, read-only or
    forbidden disk; None for anything else."""
    if isinstance(exc, OSError):
        return _DISK_ERRNOS.get(exc.errno or 0)
    if isinstance(exc, duckdb.Error):  # DuckDB carries the C library's text, not the errno
        text = str(exc).lower()
        return next((words for words in _DISK_ERRNOS.values() if words in text), None)
    return None


_TMP_SUFFIX = ".tmp"


def clean_temp_files(db: Path) -> list[Path]:
    """Remove partial snapshot copies left by a run killed (or out of space) mid-copy. Call it only while
    holding the writer lock: then no other run is copying."""
    prefix = f".{snapshot_path(db).name}."
    removed = []
    with suppress(OSError):
        for path in db.parent.iterdir():
            if path.name.startswith(prefix) and path.name.endswith(_TMP_SUFFIX):
                with suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def writer_lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".writer.lock")


# Writer locks this process holds: lock file -> (pid, open file, depth). flock conflicts between two opens of
# the same file even within one process, so a nested acquisition (the CLI around the run's own resource) reuses
# the open file; the pid guards against a forked child believing it holds its parent's lock.
_held: dict[Path, tuple[int, IO[str], int]] = {}
_held_guard = threading.Lock()


@contextmanager
def writer_lock(db: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """The warehouse's single-writer lock across processes: an exclusive flock on a file beside the database.
    The kernel drops it when its holder exits, however it dies, so a killed run never leaves it behind.
    Blocks while another process holds it (after calling `on_wait` once); re-entrant within a process."""
    path = writer_lock_path(Path(db)).absolute()
    with _held_guard:
        pid, handle, depth = _held.get(path, (0, None, 0))
        nested = pid == os.getpid() and handle is not None
        if nested:
            _held[path] = (pid, handle, depth + 1)
    if not nested:
        try:
            handle = path.open("a")
        except OSError as exc:
            raise WarehouseUnavailable(f"cannot write the database at {db}: "
                                       f"{disk_error(exc) or exc.strerror or exc}") from exc
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:  # interrupted while waiting: do not keep the file open
            handle.close()
            raise
        with _held_guard:
            _held[path] = (os.getpid(), handle, 1)
    try:
        yield
    finally:
        with _held_guard:
            pid, handle, depth = _held[path]
            if depth > 1:
                _held[path] = (pid, handle, depth - 1)
            else:
                del _held[path]
                handle.close()  # closing the last descriptor releases the flock


@contextmanager
def connect(path: Path | str, *, read_only: bool = False, retries: int = 40, wait: float = 0.25,
            config: dict[str, Any] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed, retrying while another process holds the file's write lock."""
    for attempt in range(retries + 1):
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config or {})
            break
        except duckdb.IOException as exc:
            if attempt == retries or "lock" not in str(exc).lower():  # only another holder's lock is worth a wait
                raise
            time.sleep(wait)
    try:
        yield con
    finally:
        con.close()


# DuckDB's own sandbox for analyst SQL, applied when the database opens. lock_configuration is set last,
# after connecting, so that no statement can undo these.
ANALYST_SETTINGS: dict[str, Any] = {
    "enable_external_access": False,  # no other file, URL, ATTACH, COPY TO, EXPORT or extension load
    "autoinstall_known_extensions": False,  # no download behind a query's back
    "autoload_known_extensions": False,
}
_EXPLAIN = re.compile(r"\s*EXPLAIN\b(?:\s+ANALY[SZ]E\b)?(?:\s*\([^()]*\))?", re.IGNORECASE)


class RefusedSQL(Exception):
    """SQL an analyst connection will not run; the message says why, in one line."""


def check_read_sql(sql: str) -> None:
    """Refuse anything but exactly one read (SELECT, FROM, WITH, VALUES, DESCRIBE, SUMMARIZE, EXPLAIN of
    those), using DuckDB's own parser: a statement hidden after another one would otherwise run unseen."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise RefusedSQL(str(exc).splitlines()[0]) from exc
    if not statements:
        raise RefusedSQL("no SQL statement given")
    if len(statements) > 1:
        kinds = ", ".join(s.type.name for s in statements)
        raise RefusedSQL(f"one statement at a time, please: got {len(statements)} ({kinds})")
    kind, query = statements[0].type, statements[0].query
    if kind is duckdb.StatementType.EXPLAIN:
        explained = _EXPLAIN.match(query)
        if explained is None:
            raise RefusedSQL("analyst SQL may EXPLAIN only a SELECT")
        check_read_sql(query[explained.end():])
    elif kind is not duckdb.StatementType.SELECT:
        name = "INSTALL/LOAD" if kind is duckdb.StatementType.LOAD else kind.name
        raise RefusedSQL(f"analyst SQL is read-only: {name} statements are refused (only SELECT-like reads "
                         f"and EXPLAIN run)")


def describe_error(exc: Exception) -> str:
    """A refusal or error of analyst SQL as one line, saying which safeguard refused it."""
    message = (str(exc).splitlines() or [type(exc).__name__])[0]
    if not isinstance(exc, duckdb.Error):
        return message  # RefusedSQL and WarehouseUnavailable say why already
    if isinstance(exc, duckdb.PermissionException):
        return f"analyst SQL reads only the published snapshot: other files, URLs and extensions are off ({message})"
    if "configuration has been locked" in message:
        return f"analyst SQL cannot change settings ({message})"
    if "read-only" in message:
        return f"analyst SQL is read-only ({message})"
    return message


class AnalystConnection:
    """The published snapshot behind DuckDB's sandbox; every query passes `check_read_sql` first."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self._con = con
        self.path = path

    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        check_read_sql(query)
        return self._con.sql(query)


@contextmanager
def analyst_connection(db: Path | str | None = None, *, retries: int = 20) -> Iterator[AnalystConnection]:
    """The only way the project opens a warehouse for analysts' SQL: the published snapshot of `db` (never
    the working file, whose single writer a reader would block), read-only, with no access to other files,
    the network or extensions, its settings locked, one read statement per call."""
    path = published_path(db_path(db))
    if not path.is_file():
        raise WarehouseUnavailable(f"no published snapshot at {path}: run `capex run` first")
    with ExitStack() as stack:
        try:
            con = stack.enter_context(connect(path, read_only=True, retries=retries, config=ANALYST_SETTINGS))
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            raise WarehouseUnavailable(f"cannot open {path}: {str(exc).splitlines()[0]}") from exc
        con.execute("SET lock_configuration = true")
        yield AnalystConnection(con, path)
