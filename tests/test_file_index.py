"""Incremental reading (issue 13): a file is judged unchanged by its stat and not opened again; a touched file
is re-hashed; `full_refresh` re-hashes everything; gates validate only the rows a run writes; and whatever
changes, the warehouse equals a full rebuild. Real Dagster, real DuckDB, real GX."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.pipeline import PIPELINE_ASSETS
from assets.resources import make_resources
from capex_pipeline import steps, tables
from capex_pipeline.articles import list_folder

from .conftest import materialize, rows
from .test_incremental import snapshot

OLD_NS = 1_600_000_000 * 10**9  # 2020: far from "racy" (an mtime within seconds of the index is not trusted)
EXTRA = "Meta said it will spend $65 billion on AI data centres in 2025, up from $39 billion.\n"


def _age(folder: Path) -> None:
    for path in folder.iterdir():
        os.utime(path, ns=(OLD_NS, OLD_NS))


def _meta(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    event = next(e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset)
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _checked(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    return {e.asset_key.to_user_string(): e.metadata["rows_checked"].value
            for e in result.get_asset_check_evaluations()}


def _full(db: Path, corpus: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(PIPELINE_ASSETS, resources=make_resources(db, corpus, full_refresh=True),
                          raise_on_error=False)


def test_unchanged_stat_means_not_reread_and_full_refresh_rehashes(corpus: Path, tmp_path: Path) -> None:
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    first = materialize(db, corpus)
    assert first.success
    files = _meta(first, "raw_articles")["files_read"]
    assert files >= 3 and _meta(first, "raw_articles")["files_unchanged"] == 0

    # same size, same mtime, same inode, other bytes: the stat cannot tell, so the file is not opened
    target = corpus / "003_ca642059fae57875.txt"
    text = target.read_text(encoding="utf-8")
    assert "20 Milliarden US-Dollar (umgerechnet" in text
    with target.open("r+", encoding="utf-8") as handle:  # in place: the inode stays
        handle.write(text.replace("20 Milliarden US-Dollar (umgerechnet", "30 Milliarden US-Dollar (umgerechnet"))
    os.utime(target, ns=(OLD_NS, OLD_NS))
    quiet = materialize(db, corpus)
    assert quiet.success
    assert _meta(quiet, "raw_articles")["files_read"] == 0
    assert _meta(quiet, "raw_articles")["files_unchanged"] == files
    assert _meta(quiet, "claims")["claims_extracted"] == 0
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE quote = '30 Milliarden US-Dollar'") == [(0,)]
    assert _checked(quiet) == {"raw_articles": 0, "claims": 0, "usd_claims": 0, "fct_claims": 0}

    # the explicit fallback re-reads and re-hashes every file, and sees the new bytes
    refreshed = _full(db, corpus)
    assert refreshed.success and _meta(refreshed, "raw_articles")["files_read"] == files
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE quote = '30 Milliarden US-Dollar'") == [(1,)]


def test_a_held_file_keeps_its_row_beside_a_new_name_that_prints_like_it(corpus: Path, tmp_path: Path) -> None:
    """Files judged unchanged are not visited one by one, except where names can print alike: a file whose name
    has bytes that are not UTF-8 prints as its escape, which another file may carry literally. The first in name
    order holds the name; a later one is refused, without taking the held file's row with it."""
    plain = corpus / "900_caf\\xff.txt"  # a literal backslash: the escape of the name added below
    plain.write_text("Acme will invest $7 billion in AI data centres in 2025.\n", encoding="utf-8")
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    (corpus / os.fsdecode(b"900_caf\xff.txt")).write_text("Beta will invest $9 billion in 2025.\n", encoding="utf-8")
    _age(corpus)
    again = materialize(db, corpus)  # the plain file is held; the new one is read and refused
    assert again.success
    assert (_meta(again, "raw_articles")["files_read"], _meta(again, "raw_articles")["files_rejected"]) == (1, 1)
    assert rows(db, f"SELECT value FROM marts.fct_claims WHERE doc = '{plain.name}'") == [(7e9,)]  # its own row
    assert rows(db, f"SELECT rule FROM quality.quarantine WHERE doc = '{plain.name}'") == [("duplicate_name",)]
    full = tmp_path / "full.duckdb"
    assert _full(full, corpus).success  # a full refresh as a new warehouse's first run
    assert snapshot(db) == snapshot(full)


def test_a_touched_file_is_rehashed_and_its_unchanged_content_keeps_its_rows(corpus: Path, tmp_path: Path) -> None:
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    before = snapshot(db)
    os.utime(corpus / "003_ca642059fae57875.txt", ns=(OLD_NS, OLD_NS + 10**9))  # `touch`: only the mtime
    touched = materialize(db, corpus)
    assert touched.success
    assert _meta(touched, "raw_articles")["files_read"] == 1
    assert _meta(touched, "claims")["articles_extracted"] == 0  # same hash, same key: its claims stay
    assert snapshot(db) == before
    # and the index now holds the new mtime: the next run opens nothing
    assert _meta(materialize(db, corpus), "raw_articles")["files_read"] == 0


def test_one_new_article_validates_only_its_rows_and_equals_a_full_rebuild(corpus: Path, tmp_path: Path) -> None:
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    first = materialize(db, corpus)
    assert first.success
    whole = _checked(first)
    (corpus / "900_new.txt").write_text(EXTRA, encoding="utf-8")
    os.utime(corpus / "900_new.txt", ns=(OLD_NS, OLD_NS))
    added = materialize(db, corpus)
    assert added.success
    checked = _checked(added)
    new_claims = rows(db, "SELECT count(*) FROM staging.claims WHERE doc = '900_new.txt'")[0][0]
    assert new_claims == 2
    # GX saw the new article's row and claims only, not the corpus
    assert checked == {"raw_articles": 1, "claims": new_claims, "usd_claims": new_claims, "fct_claims": new_claims}
    assert whole["claims"] > 10 * new_claims
    validated = rows(db, "SELECT step, count(*) FROM quality.validations GROUP BY step ORDER BY step")
    assert validated == [("claims", 2), ("fct_claims", 2), ("raw_articles", 2), ("usd_claims", 2)]
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)


def test_duplicates_and_their_siblings_rebuild_like_a_full_read(corpus: Path, tmp_path: Path) -> None:
    """Content under two names is one row (also_named); deleting or editing one name re-reads the other."""
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    original = corpus / "003_ca642059fae57875.txt"
    shutil.copy2(original, corpus / "000_copy.txt")  # sorts first: it holds the row
    assert materialize(db, corpus).success
    assert rows(db, "SELECT also_named FROM raw.articles WHERE doc = '000_copy.txt'") == [([original.name],)]

    def same_as_full(step: str) -> None:
        assert materialize(db, corpus).success, step
        full = tmp_path / f"full_{step}.duckdb"
        assert materialize(full, corpus).success
        assert snapshot(db) == snapshot(full), step
        keep = "doc, also_named, sha256, lang, published"
        assert rows(db, f"SELECT {keep} FROM raw.articles ORDER BY doc") == \
            rows(full, f"SELECT {keep} FROM raw.articles ORDER BY doc"), step
        assert rows(db, "SELECT step, doc, rule FROM quality.quarantine ORDER BY ALL") == \
            rows(full, "SELECT step, doc, rule FROM quality.quarantine ORDER BY ALL"), step

    (corpus / "000_copy.txt").unlink()  # the row's holder goes: the unchanged sibling takes the row
    same_as_full("delete")
    shutil.copy2(original, corpus / "zzz_copy.txt")  # a new name for old content joins the row
    same_as_full("add")
    original.write_text(original.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    same_as_full("edit")
    sidecar = corpus / "sources.csv"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("Reuters", "Reuters (edited)"), encoding="utf-8")
    same_as_full("sidecar")
    (corpus / "sources.csv").unlink()
    same_as_full("no sidecar")


def test_a_racy_entry_is_not_trusted_and_a_renamed_file_is_read_under_its_new_name(corpus: Path,
                                                                                    tmp_path: Path) -> None:
    """Edge cases of the stat-based skip. An index entry written within RACY_NS of its file's mtime is not
    trusted: a second edit in the same clock tick keeps size, mtime and inode. A rename keeps inode, size and
    mtime too, but the new name has no entry: it is read, and the old name's rows go."""
    _age(corpus)
    target = corpus / "003_ca642059fae57875.txt"
    future = time.time_ns() + 600 * 10**9  # an mtime the index entry cannot be RACY_NS after
    os.utime(target, ns=(future, future))
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    text = target.read_text(encoding="utf-8")
    with target.open("r+", encoding="utf-8") as handle:  # in place, same length: same size and inode
        handle.write(text.replace("20 Milliarden US-Dollar (umgerechnet", "30 Milliarden US-Dollar (umgerechnet"))
    os.utime(target, ns=(future, future))  # and the same mtime: only the racy rule tells it changed
    edited = materialize(db, corpus)
    assert edited.success and _meta(edited, "raw_articles")["files_read"] == 1
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE quote = '30 Milliarden US-Dollar'") == [(1,)]

    (corpus / "001_b798d506f950bd53.txt").rename(corpus / "001_renamed.txt")
    renamed = materialize(db, corpus)
    assert renamed.success
    assert _meta(renamed, "raw_articles")["files_read"] == 2  # the renamed file, and the racy one again
    assert {d for (d,) in rows(db, "SELECT doc FROM raw.file_index")} == \
        {p.name for p in corpus.iterdir() if p.suffix == ".txt"}
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)


def test_fct_claims_is_rebuilt_only_for_changed_articles_and_whole_when_its_columns_changed(corpus: Path,
                                                                                            tmp_path: Path) -> None:
    """The mart keeps the rows of unchanged articles; a mart written with other columns (an older version) is
    rebuilt whole; either way it equals a full build."""
    _age(corpus)
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    (corpus / "900_new.txt").write_text(EXTRA, encoding="utf-8")
    added = materialize(db, corpus)
    assert added.success and _meta(added, "fct_claims")["articles_rebuilt"] == 1
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE marts.fct_claims DROP COLUMN note")
    rebuilt = materialize(db, corpus)
    assert rebuilt.success
    assert _meta(rebuilt, "fct_claims")["articles_rebuilt"] == rows(db, "SELECT count(*) FROM raw.articles")[0][0]
    assert rows(db, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'fct_claims' AND column_name = 'note'") \
        == [(1,)]
    full = tmp_path / "full.duckdb"
    assert materialize(full, corpus).success
    assert snapshot(db) == snapshot(full)


def test_the_skip_holds_a_file_only_while_its_stat_and_sidecar_row_are_as_indexed(tmp_path: Path) -> None:
    """The skip's join (`tables.HeldFiles`, in SQL), on its own: an in-place edit that keeps the size and the mtime's
    second, but not its nanoseconds, is not held; nor is a file whose sources.csv row changed or whose entry is
    another reader's; only what is held stays in the connection's _held."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_text(f"{name}: Acme will invest $7 billion in 2025.\n", encoding="utf-8")
    _age(folder)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    tables.ensure_schema(con)
    now = time.time_ns()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        info = (folder / name).stat()
        con.execute(f"INSERT INTO {tables.FILE_INDEX} VALUES (?, ?, ?, ?, '', ?, ?, ?)",
                    [name, info.st_size, info.st_mtime_ns, info.st_ino, "other" if name == "c.txt" else "k",
                     f"sha-{name}", now])
    edited = folder / "b.txt"
    text = edited.read_text(encoding="utf-8")
    with edited.open("r+", encoding="utf-8") as handle:  # in place, same length: same size and inode
        handle.write(text.replace("$7", "$9"))
    os.utime(edited, ns=(OLD_NS, OLD_NS + 1))  # the same second as its entry's mtime
    listing = list_folder(folder)
    files = steps.listed_files(listing, {"d.txt": "edited row"})
    held = tables.HeldFiles(con, files, reader_key="k", shown=f"{folder}/", racy_ns=steps.RACY_NS)
    assert ["a.txt" in held, "b.txt" in held, "c.txt" in held, "d.txt" in held] == [True, False, False, False]
    assert len(held) == 1 and sorted(held.gone) == ["sha-b.txt", "sha-d.txt"]  # c.txt is another reader's
    assert held.sharing({"sha-a.txt", "sha-b.txt"}) == ["a.txt"]
    assert con.execute("SELECT doc, path FROM _held").fetchall() == [("a.txt", f"{folder}/a.txt")]
    held.release(["a.txt"])
    assert "a.txt" not in held and len(held) == 0


def test_the_listing_tells_every_kind_of_entry_and_stats_each_file_once_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    for name in ("b.txt", "a.md", "noext", "dot.", "x.csv", ".hidden.txt", "sources.csv"):
        (folder / name).write_text(name, encoding="utf-8")
    (folder / "dir.txt").mkdir()
    os.symlink("b.txt", folder / "link.txt")
    os.symlink("dir.txt", folder / "linkdir.txt")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    os.mkfifo(folder / "fifo.txt")
    listing = list_folder(folder)
    assert listing.names == ["a.md", "b.txt", "dangling.txt", "dot.", "fifo.txt", "link.txt", "noext"]
    assert listing.links == [False, False, True, False, False, True, False]
    assert listing.regular == [True, True, False, True, False, True, True]
    b = (folder / "b.txt").stat()
    assert (listing.sizes[1], listing.mtimes[1], listing.inodes[1]) == (b.st_size, b.st_mtime_ns, b.st_ino)
    assert (listing.sizes[5], listing.inodes[5]) == (b.st_size, b.st_ino)  # the link's target
    assert (listing.sizes[2], listing.mtimes[2], listing.inodes[2]) == (-1, -1, -1)  # a stat that failed
    assert listing.others == {"x.csv", ".hidden.txt", "sources.csv", "dir.txt", "linkdir.txt"}
    side = (folder / "sources.csv").stat()
    assert listing.sidecar == (side.st_size, side.st_mtime_ns)
    assert listing.plain and listing.docs == listing.names
    bare = list_folder(folder, stats=False)  # no stat: each entry's own type, a link's followed
    assert bare.names == listing.names and bare.links == listing.links
    assert bare.regular == [True, True, False, True, False, True, True] and set(bare.sizes) == {-1}
