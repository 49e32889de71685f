"""The pipeline's steps as pure functions over Polars frames: files -> articles -> claims -> USD claims.

Each step returns its output frame and the rows it refuses (quarantine records); Dagster adds storage,
gates and metadata around them (see `assets/`).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from . import memory, package_data, progress, tables
from .articles import (
    NOTE,
    Article,
    Listing,
    Note,
    Rejected,
    list_folder,
    printable,
    read_article,
    read_corpus,
    read_sidecar,
)
from .extract import extract_grouped, extractor_fingerprint
from .extract.amounts import malformed_amounts
from .extract.mention import Mention

if TYPE_CHECKING:
    import duckdb

ARTICLE_SCHEMA = {
    "doc": pl.Utf8, "path": pl.Utf8, "sha256": pl.Utf8, "lang": pl.Utf8, "lang_basis": pl.Utf8,
    "published": pl.Date, "date_basis": pl.Utf8, "outlet": pl.Utf8, "url": pl.Utf8, "title": pl.Utf8,
    "encoding": pl.Utf8, "n_chars": pl.Int64, "metadata_note": pl.Utf8, "also_named": pl.List(pl.Utf8),
    "text": pl.Utf8,
}
CLAIM_SCHEMA = {
    "claim_id": pl.Utf8, "doc": pl.Utf8, "sha256": pl.Utf8, "article_key": pl.Utf8, "amount_id": pl.Int64,
    "quote": pl.Utf8,
    "start_offset": pl.Int64, "end_offset": pl.Int64, "quote_matches": pl.Boolean, "value": pl.Float64,
    "currency": pl.Utf8, "qualifier": pl.Utf8, "year": pl.Int64, "metric": pl.Utf8, "company": pl.Utf8,
    "source": pl.Utf8, "usd_stated": pl.Float64, "lang": pl.Utf8, "currency_basis": pl.Utf8, "note": pl.Utf8,
    "primary_mention": pl.Boolean,
}
QUARANTINE_SCHEMA = dict.fromkeys(tables.QUARANTINE_COLUMNS, pl.Utf8)  # rule: what fired; reason: its sentence


def quarantine_rows(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=QUARANTINE_SCHEMA)


# An index entry written less than this after its file's mtime is not trusted: a second edit within the same
# clock tick (coarse on some file systems) would leave size and mtime as they were (git's "racy" files).
RACY_NS = 2_000_000_000
STAGE_BATCH = 2000  # articles per write to the incoming table: the texts of a cold run never all in memory


def reader_key(folder: Path | str, max_bytes: int) -> str:
    """What reading a file depends on besides its bytes and its sources.csv row: the folder (stored paths), the
    size limit, the reader's code and the language registry (with the extractor's fingerprint)."""
    digest = hashlib.sha256(f"{Path(folder).resolve()}|{max_bytes}|{extractor_fingerprint()}".encode())
    digest.update((package_data.PACKAGE / "articles.py").read_bytes())
    return digest.hexdigest()[:16]


def _side_key(row: dict[str, str] | None) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()[:16] if row else ""


@dataclass
class Scan:
    """What raw_articles found: how many files were not opened (held in the connection's _held,
    `tables.HeldFiles`), file-index rows and quarantine rows of the files read."""
    unchanged: int
    index: pl.DataFrame
    refused: pl.DataFrame
    files_read: int


INDEX_SCHEMA = {"doc": pl.Utf8, "size": pl.Int64, "mtime_ns": pl.Int64, "inode": pl.Int64, "sidecar_key": pl.Utf8,
                "reader_key": pl.Utf8, "sha256": pl.Utf8, "indexed_ns": pl.Int64}


def listed_files(listing: Listing, side_keys: dict[str, str]) -> pl.DataFrame:
    """The listing as columns for `tables.HeldFiles`: doc, whether the file may be held at all (plain name,
    regular file, not a symlink), its stat and its sources.csv row's key; built from the listing's lists and
    arrays, no Python object per file."""
    docs = listing.docs
    side = pl.DataFrame({"doc": list(side_keys), "side_key": list(side_keys.values())},
                        schema={"doc": pl.Utf8, "side_key": pl.Utf8})
    # whether each name prints as itself (never held otherwise), computed per file only when some do not
    plain = pl.lit(True) if listing.plain else pl.lit(pl.Series([d == n for d, n in zip(docs, listing.names,
                                                                                      strict=True)]))
    files = pl.DataFrame({"doc": docs, "link": listing.links, "regular": listing.regular,
                          "size": listing.sizes, "mtime_ns": listing.mtimes, "inode": listing.inodes},
                         schema={"doc": pl.Utf8, "link": pl.Boolean, "regular": pl.Boolean,
                                 "size": pl.Int64, "mtime_ns": pl.Int64, "inode": pl.Int64})
    return (files.select("doc", held_kind=plain & pl.col("regular") & ~pl.col("link"), size="size",
                         mtime_ns="mtime_ns", inode="inode")
            .join(side, on="doc", how="left").with_columns(pl.col("side_key").fill_null("")))


def scan_articles(folder: Path | str, *, max_bytes: int, index: duckdb.DuckDBPyConnection | None, key: str,
                  sink: Callable[[pl.DataFrame, bool], None], batch: int = STAGE_BATCH,
                  listing: Listing | None = None) -> Scan:
    """Read the folder's new and changed files into `sink` (frames of ARTICLE_SCHEMA, in batches; the flag
    says the first) and skip the rest by their stat in `listing` (taken now if not given) against the file
    index of `index`'s warehouse under reader `key` (`tables.HeldFiles`: the held files stay in that
    connection's _held; None: read all). A file skipped but sharing its content hash with a file read,
    changed or deleted is read after all, so the caller can rebuild that hash's row (its also_named) exactly
    as a full read would."""
    folder = Path(folder)
    listing = listing or list_folder(folder)
    sidecar = read_sidecar(folder)
    side_keys = {name: _side_key(row) for name, row in sidecar.rows.items()}
    shown = printable(str(folder / "_")[:-1])
    held = None if index is None else tables.HeldFiles(index, listed_files(listing, side_keys), reader_key=key,
                                                        shown=shown, racy_ns=RACY_NS)
    # symlinks (read every run) and names that print otherwise get no index entry
    unindexed = {d for d, n, link in zip(listing.docs, listing.names, listing.links, strict=True) if link or d != n} \
        if True in listing.links or not listing.plain else set()  # most folders: none, told without a loop

    rows: list[dict[str, Any]] = []
    index_rows: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    shas: set[str] = set()
    first = True

    def flush() -> None:
        nonlocal first
        if rows or first:
            sink(pl.DataFrame(rows, schema=ARTICLE_SCHEMA), first)
            first = False
            rows.clear()

    def take(item: Article | Rejected | Note) -> None:
        if isinstance(item, Rejected | Note):
            refused.append(_refused_row(item))
            return
        refused.extend(_refused_row(note) for note in item.notes)
        rows.append(_article_row(item))
        shas.add(item.sha256)
        if item.doc not in unindexed and item.stat is not None:
            index_rows.append({"doc": item.doc, "size": item.stat.size, "mtime_ns": item.stat.mtime_ns,
                               "inode": item.stat.inode, "sidecar_key": side_keys.get(item.doc, ""),
                               "reader_key": key, "sha256": item.sha256, "indexed_ns": listing.taken_ns})
        if len(rows) >= batch:
            flush()

    read = 0
    for item in read_corpus(folder, max_bytes=max_bytes, listing=listing, sidecar=sidecar,
                            unchanged=held if held is not None else ()):  # yields none of the held files
        read += isinstance(item, Article | Rejected)
        take(item)
    # a held name is plain, and sorts before any name with escaped bytes that prints like it (a surrogate sorts
    # after the backslash that prints it): read_corpus refuses the later one, never a held file
    if held is not None:
        pending = held.sharing({*held.gone, *shas})  # changed, deleted or renamed, or read now
        while pending:  # rare: a duplicate's sibling changed
            before = set(shas)
            held.release(pending)
            for doc in pending:
                take(read_article(folder / doc, sidecar.rows.get(doc), max_bytes=max_bytes))
                read += 1
            pending = held.sharing(shas - before)
    flush()
    return Scan(unchanged=len(held) if held is not None else 0,
                index=pl.DataFrame(index_rows, schema=INDEX_SCHEMA), refused=quarantine_rows(refused),
                files_read=read)


def _refused_row(item: Rejected | Note) -> dict[str, Any]:
    return {"step": "raw_articles", "doc": item.doc, "rule": item.reason, "reason": item.detail,
            "record": json.dumps({"path": item.path})}


def split_notes(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantine rows as (refused, notes): a note does not count as a refused file."""
    is_note = pl.col("rule").str.starts_with(NOTE)
    return rows.filter(~is_note), rows.filter(is_note)


def article_audit(articles: pl.DataFrame) -> pl.DataFrame:
    """The columns the raw_articles suite checks besides the articles' own: year and days ahead of today."""
    return articles.with_columns(published_year=pl.col("published").dt.year(),
                                 published_days_ahead=(pl.col("published") - pl.lit(date.today())).dt.total_days())


def merge_duplicates(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per content hash, as `sql/fresh_articles.sql` makes them: the first file in name order holds the
    row and the others are listed in also_named."""
    ordered = articles.sort("doc")
    named = ordered.group_by("sha256", maintain_order=True).agg(docs=pl.col("doc"))
    return (ordered.unique("sha256", keep="first", maintain_order=True).join(named, on="sha256")
            .with_columns(also_named=pl.col("docs").list.slice(1)).drop("docs").sort("doc"))


def _article_row(a: Article) -> dict[str, Any]:
    return {"doc": a.doc, "path": a.path, "sha256": a.sha256, "lang": a.lang, "lang_basis": a.lang_basis,
            "published": a.published, "date_basis": a.date_basis, "outlet": a.outlet, "url": a.url,
            "title": a.title, "encoding": a.encoding, "n_chars": len(a.text), "metadata_note": a.metadata_note,
            "also_named": [], "text": a.text}


def _claim_id(sha256: str, m: Mention) -> str:
    return hashlib.sha256(f"{sha256}:{m.start}:{m.end}".encode()).hexdigest()[:20]


def article_keys(articles: pl.DataFrame) -> pl.DataFrame:
    """What extraction depends on: the content, the metadata that steer it (language, publication date) and
    the extractor itself (its code, lexicons and the user's overlays), so a new word re-reads every article."""
    key = pl.concat_str([pl.col("sha256"), pl.col("lang").fill_null(""),
                         pl.col("published").cast(pl.Utf8).fill_null(""), pl.lit(extractor_fingerprint())],
                        separator="|")
    return articles.with_columns(article_key=key)


_ARTICLE_FIELDS = ("doc", "path", "sha256", "text", "encoding", "lang", "lang_basis", "published", "date_basis",
                   "outlet", "url", "title", "metadata_note")
PARALLEL_MIN_ARTICLES = 2000  # below this, starting worker processes costs more than it saves


# map(fn, argument tuples) -> fn's results in order, computed elsewhere (cluster.ClusterMap on a Dask cluster)
Mapper = Callable[[Callable[..., Any], Iterable[tuple[Any, ...]]], Iterable[Any]]


def extract_batches(batches: Iterable[pl.DataFrame], total: int,
                    mapper: Mapper | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Claims and malformed-number quarantine rows of articles arriving in frames (the `_ARTICLE_FIELDS` and
    `article_key`), `total` of them: large runs go to worker processes a batch at a time, with a few batches
    in flight, so the corpus's texts are never all in memory at once. With a `mapper` (a Dask cluster), every
    batch goes to it instead, whatever the size. A terminal shows the progress."""
    claims: list[pl.DataFrame] = []
    malformed: list[pl.DataFrame] = []
    done = progress.Bar(desc="claims: extracting", unit="article", total=total)

    def collect(part: tuple[dict[str, list[Any]], list[dict[str, Any]]], articles: int) -> None:
        claims.append(pl.DataFrame(part[0], schema=CLAIM_SCHEMA))
        malformed.append(quarantine_rows(part[1]))
        done(articles)

    workers = min(len(os.sched_getaffinity(0)), 8)
    if mapper is not None:
        fingerprint = extractor_fingerprint()
        frames = [frame.select(*_ARTICLE_FIELDS, "article_key") for frame in batches]
        for frame, part in zip(frames, mapper(_extract_remote, ((f.to_dicts(), fingerprint) for f in frames)),
                               strict=True):
            collect(part, frame.height)
    elif total < PARALLEL_MIN_ARTICLES or workers < 2:
        for frame in batches:
            collect(_extract_batch(frame.select(*_ARTICLE_FIELDS, "article_key").to_dicts()), frame.height)
    else:
        # fork: the workers inherit the loaded lexicons; they get plain records and return plain lists, so
        # Polars' thread pool is never used in a forked child. The parent's objects are frozen out of the
        # collector first: a child's collections would otherwise write to every page of the inherited heap and
        # copy it (the process tree's PSS: 1,413 -> 1,199 MB at 100k articles).
        with memory.frozen():
            claims_in_workers(batches, workers, collect)
    done.close()
    bad = pl.concat(malformed) if malformed else quarantine_rows([])
    if not claims:
        return pl.DataFrame(schema=CLAIM_SCHEMA), bad
    # the batches come in doc order and each in text order, so the claims are mostly sorted already: checked,
    # not sorted again (a sort of 300k claims holds some 180 MB more at the step's peak)
    out = pl.concat(claims, rechunk=False)
    claims.clear()
    previous = pl.col("doc").shift()
    ordered = out.select(((pl.col("doc") > previous) | ((pl.col("doc") == previous) & (
        pl.col("start_offset") >= pl.col("start_offset").shift()))).fill_null(True).all()).item()
    return (out if ordered else out.sort("doc", "start_offset")), bad


def claims_in_workers(batches: Iterable[pl.DataFrame], workers: int,
                      collect: Callable[[tuple[dict[str, list[Any]], list[dict[str, Any]]], int], None]) -> None:
    """Each batch extracted in one of `workers` forked processes, a few batches in flight, results collected
    in order."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        running: deque[tuple[Future[Any], int]] = deque()
        for frame in batches:
            records = frame.select(*_ARTICLE_FIELDS, "article_key").to_dicts()
            running.append((pool.submit(_extract_batch, records), len(records)))
            while len(running) > 2 * workers:
                future, n = running.popleft()
                collect(future.result(), n)
        while running:
            future, n = running.popleft()
            collect(future.result(), n)


class ExtractorMismatch(Exception):
    """A worker whose extractor (code, lexicons, overlays) is not the one the article keys were made with."""


def _extract_remote(records: list[dict[str, Any]], fingerprint: str) -> tuple[dict[str, list[Any]],
                                                                            list[dict[str, Any]]]:
    """_extract_batch on a cluster worker, refused when the worker's extractor differs from the caller's: its
    claims would be stored under article keys that say otherwise."""
    if (mine := extractor_fingerprint()) != fingerprint:
        raise ExtractorMismatch(f"a Dask worker runs another extractor (fingerprint {mine}, expected "
                                f"{fingerprint}): install the same capex_pipeline and lexicons on every worker")
    return _extract_batch(records)


def _extract_batch(records: list[dict[str, Any]]) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """One batch's claims as columns (cheaper to send back than a dict per claim) and its malformed numbers."""
    rows = _extract_records(records)
    columns = {name: [r[name] for r in rows] for name in CLAIM_SCHEMA}
    bad = [{"step": "claims", "doc": art["doc"], "rule": "malformed_number",
            "reason": f"{quote!r} at {start}-{end} is not a well-formed number; not read as money",
            "record": json.dumps({"quote": quote, "start": start, "end": end})}
           for art in records for start, end, quote in malformed_amounts(art["text"], lang=art["lang"])]
    return columns, bad


def _extract_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    articles = [Article(**{k: art[k] for k in _ARTICLE_FIELDS}) for art in records]
    for art, article, mentions in zip(records, articles, extract_grouped(articles), strict=True):
        for m in mentions:
            rows.append({"claim_id": _claim_id(article.sha256, m), "doc": m.doc, "sha256": article.sha256,
                         "article_key": art["article_key"], "amount_id": m.amount_id, "quote": m.quote,
                         "start_offset": m.start, "end_offset": m.end,
                         "quote_matches": article.text[m.start:m.end] == m.quote, "value": m.value,
                         "currency": m.currency, "qualifier": m.qualifier, "year": m.year, "metric": m.metric,
                         "company": m.company, "source": m.source, "usd_stated": m.usd_stated, "lang": m.lang,
                         "currency_basis": m.currency_basis, "note": m.note, "primary_mention": m.primary})
    return rows


def quarantine_from_gate(step: str, failed: list[dict[str, Any]]) -> pl.DataFrame:
    """Quarantine rows for the rows a gate refused: the rules that fired, and their sentences with the row's values."""
    rows = []
    for item in failed:
        row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item["row"].items()
               if k != "text"}
        rows.append({"step": step, "doc": row.get("doc"), "rule": ", ".join(item["rules"]),
                     "reason": "; ".join(item["reasons"]), "record": json.dumps(row, default=str)})
    return quarantine_rows(rows)
