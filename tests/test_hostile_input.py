"""No single file can stop, hang or crash a run: each hostile input ends as a quarantine row or a note
(a quality.quarantine row whose reason starts with 'note:'), and the seeds' claims still land.

Every test is a real Dagster materialization into a real DuckDB file. Inputs that used to hang or kill the
process are first read in a child process with a time and memory limit, so a regression fails the test
instead of hanging or crashing the suite; every test also runs under an alarm.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import assets.pipeline
from assets.runner import run_pipeline
from capex_pipeline.articles import Article, Rejected, printable, read_article, read_sidecar

from .conftest import REPO, SEEDS, materialize, rows

SEED_DOCS = sorted(p.name for p in SEEDS.glob("*.txt"))
TEST_SECONDS = 240  # the first run of a session also loads GX and the language detector
CHILD_SECONDS = 60
CHILD_MEMORY = 4 * 1024**3
BILLION_LAUGHS = "\n".join(
    ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    + ["lang: *l9", "title: *l9", "outlet: *l9"])
ARTICLE = "Meta will spend $65 billion on AI data centres this year, its chief executive said.\n"


@pytest.fixture(autouse=True)
def _alarm() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"test ran over {TEST_SECONDS} s: an input hung the run")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _read_in_child(folder: Path) -> None:
    """Read the folder the way raw_articles does, in a child process that may neither hang nor grow."""
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2]))); "
            "from capex_pipeline.steps import scan_articles; "
            "s = scan_articles(sys.argv[1], max_bytes=5_000_000, index=None, key='', sink=lambda f, _: None); "
            "print(s.files_read, s.refused.height)")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(folder), str(CHILD_MEMORY)], cwd=REPO,
                              capture_output=True, text=True, timeout=CHILD_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {folder} hung for {CHILD_SECONDS} s")
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])


@pytest.fixture(scope="module")
def seed_claims(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    db = tmp_path_factory.mktemp("seeds") / "capex.duckdb"
    assert materialize(db, SEEDS).success
    return _claims_of_seeds(db)


def _claims_of_seeds(db: Path) -> list[tuple]:
    return rows(db, "SELECT doc, quote, value, currency, usd_value FROM marts.fct_claims "
                    f"WHERE doc IN ({', '.join(repr(d) for d in SEED_DOCS)}) ORDER BY doc, start_offset")


def _run(folder: Path, tmp_path: Path) -> Path:
    db = tmp_path / "capex.duckdb"
    result = materialize(db, folder)
    assert result.success, [e.message for e in result.get_step_failure_events()]
    return db


def _articles(db: Path) -> dict[str, dict]:
    found = rows(db, "SELECT doc, lang, published, date_basis, outlet, encoding, text, metadata_note "
                     "FROM raw.articles")
    keys = ("doc", "lang", "published", "date_basis", "outlet", "encoding", "text", "metadata_note")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in found}


def _query(db: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _quarantine(db: Path, doc: str) -> list[tuple[str, str]]:
    return _query(db, "SELECT rule, reason FROM quality.quarantine WHERE doc = ? ORDER BY rule", doc)


def _assert_seeds_land(db: Path, seed_claims: list[tuple] | None = None) -> None:
    assert set(SEED_DOCS) <= set(_articles(db))
    if seed_claims is not None:
        assert _claims_of_seeds(db) == seed_claims
    else:
        assert _claims_of_seeds(db)


def _front(body: str, **fields: str) -> str:
    meta = {"lang": "en", "date": "2025-03-03", **fields}
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in meta.items()) + "---\n" + body


def test_symlink_loop_is_quarantined(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    os.symlink("300_loop_b.txt", corpus / "300_loop_a.txt")
    os.symlink("300_loop_a.txt", corpus / "300_loop_b.txt")
    os.symlink("301_self.txt", corpus / "301_self.txt")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    for name in ("300_loop_a.txt", "300_loop_b.txt", "301_self.txt"):
        assert name not in _articles(db)
        assert [r for r, _ in _quarantine(db, name)] == ["symlink_loop"], name


def test_file_name_with_invalid_utf8_bytes_lands_with_a_printable_name(
        corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    name = os.fsdecode(b"302_caf\xe9_\xff.txt")
    (corpus / name).write_text(_front(ARTICLE), encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    shown = "302_caf\\xe9_\\xff.txt"
    assert shown in _articles(db)
    assert _query(db, "SELECT value, currency FROM marts.fct_claims WHERE doc = ?", shown) == [(65e9, "USD")]
    assert [r for r, _ in _quarantine(db, shown)] == ["note:file_name_not_utf8"]


def test_impossible_front_matter_date_is_a_note(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    (corpus / "303_feb30.txt").write_text(_front(ARTICLE, date="2025-02-30", outlet="Reuters"), encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    article = _articles(db)["303_feb30.txt"]
    assert (article["published"], article["date_basis"], article["outlet"]) == (None, "unknown", "Reuters")
    assert _quarantine(db, "303_feb30.txt") == [
        ("note:bad_date", "front_matter date '2025-02-30' is not a date; ignored")]


def test_list_where_outlet_should_be_text_is_a_note(corpus: Path, tmp_path: Path,
                                                     seed_claims: list[tuple]) -> None:
    (corpus / "304_outlets.txt").write_text(_front(ARTICLE, outlet="[Reuters, FT]", title="Meta capex"),
                                            encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    article = _articles(db)["304_outlets.txt"]
    assert (article["outlet"], article["published"]) == (None, date(2025, 3, 3))
    [(rule, reason)] = _quarantine(db, "304_outlets.txt")
    assert rule == "note:bad_field" and "outlet is a list" in reason and "not text" in reason


def _sidecar(corpus: Path) -> list[str]:
    return (corpus / "sources.csv").read_text(encoding="utf-8").splitlines()


def test_latin1_sources_csv_is_decoded(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    lines = _sidecar(corpus)
    lines[2] = lines[2].replace(",,,", ",Süddeutsche Zeitung,,", 1)
    lines.append("305_cafe.txt,fr,2025-02-10,Le Monde Économie,,café")
    (corpus / "sources.csv").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    (corpus / "305_cafe.txt").write_text("Mistral va investir 8,5 milliards d'euros dans ses centres de données.",
                                         encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    articles = _articles(db)
    assert all(articles[d]["date_basis"] == "sources.csv" for d in SEED_DOCS)
    assert articles["001_b798d506f950bd53.txt"]["outlet"] == "Süddeutsche Zeitung"
    assert (articles["305_cafe.txt"]["outlet"], articles["305_cafe.txt"]["lang"]) == ("Le Monde Économie", "fr")
    [(rule, reason)] = _quarantine(db, "sources.csv")
    assert rule == "note:sidecar_encoding" and "is not UTF-8" in reason


def test_sources_csv_field_over_128kb_is_a_note(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    lines = _sidecar(corpus)
    lines.insert(1, "306_big.txt,en,2025-03-03," + "x" * 200_000 + ",,")  # before the seeds' rows
    (corpus / "sources.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "306_big.txt").write_text(ARTICLE, encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    assert all(_articles(db)[d]["date_basis"] == "sources.csv" for d in SEED_DOCS)  # rows after it are read
    assert _articles(db)["306_big.txt"]["outlet"] is None
    [(rule, reason)] = _quarantine(db, "sources.csv")
    assert rule == "note:sidecar_bad_row"
    assert reason == "sources.csv line 2: a field is over the 131072-character limit; the row is skipped"


def test_fifo_and_socket_are_refused_without_opening(corpus: Path, tmp_path: Path,
                                                     seed_claims: list[tuple]) -> None:
    os.mkfifo(corpus / "307_pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(corpus / "308_sock.txt"))
        _read_in_child(corpus)
        db = tmp_path / "capex.duckdb"
        outcome = run_pipeline(db=db, articles=corpus, instance=dg.DagsterInstance.ephemeral())
    finally:
        sock.close()
    assert outcome.success, outcome.failures
    _assert_seeds_land(db, seed_claims)
    assert _quarantine(db, "307_pipe.txt") == [
        ("not_regular_file", "the file is a FIFO (named pipe), not a regular file; not opened")]
    assert _quarantine(db, "308_sock.txt") == [
        ("not_regular_file", "the file is a socket, not a regular file; not opened")]
    with (db.with_name(db.name + ".run.lock")).open("w") as lock:  # the run lock was let go
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_billion_laughs_front_matter_is_ignored(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    (corpus / "309_laughs.txt").write_text(f"---\n{BILLION_LAUGHS}\n---\n{ARTICLE}", encoding="utf-8")
    _read_in_child(corpus)
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    article = _articles(db)["309_laughs.txt"]
    assert (article["lang"], article["outlet"]) == ("en", None)
    assert _quarantine(db, "309_laughs.txt") == [
        ("note:front_matter_ignored", "front matter uses YAML anchors or aliases, which are not accepted; ignored")]


def test_deeply_nested_front_matter_is_ignored(corpus: Path, tmp_path: Path, seed_claims: list[tuple]) -> None:
    (corpus / "310_deep.txt").write_text(f"---\nlang: {'[' * 100_000}\n---\n{ARTICLE}", encoding="utf-8")
    (corpus / "311_deep.txt").write_text(f"---\nlang: {'[' * 30_000}{']' * 30_000}\n---\n{ARTICLE}",
                                         encoding="utf-8")
    (corpus / "312_deep.txt").write_text(f"---\nlang:\n  {'- ' * 30_000}en\n---\n{ARTICLE}", encoding="utf-8")
    _read_in_child(corpus)
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    assert _quarantine(db, "310_deep.txt") == [
        ("note:front_matter_ignored", "front matter is 100006 characters, over the 65536-character limit; ignored")]
    for name in ("311_deep.txt", "312_deep.txt"):
        assert name in _articles(db)
        assert _quarantine(db, name) == [
            ("note:front_matter_ignored", "front matter nests deeper than 16 levels; ignored")], name


def test_sources_csv_without_file_column_is_a_note(corpus: Path, tmp_path: Path) -> None:
    lines = _sidecar(corpus)
    lines[0] = "filename,language,date,outlet,url,note"
    (corpus / "sources.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db)  # their dates are gone with the sidecar: the note tells the user why
    assert not any(a["date_basis"] == "sources.csv" for a in _articles(db).values())
    [(rule, reason)] = _quarantine(db, "sources.csv")
    assert rule == "note:sidecar_header"
    assert "has no 'file' column" in reason and "none of its rows is used" in reason


def test_duplicate_sidecar_rows_are_a_note(corpus: Path, tmp_path: Path) -> None:
    lines = _sidecar(corpus)
    lines.append("001_b798d506f950bd53.txt,en,2025-01-30,Financial Times,,")
    (corpus / "sources.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db)
    article = _articles(db)["001_b798d506f950bd53.txt"]
    assert (article["published"], article["outlet"]) == (date(2025, 1, 30), "Financial Times")
    assert _quarantine(db, "001_b798d506f950bd53.txt") == [
        ("note:sidecar_duplicate", "sources.csv lines 3 and 6 both describe '001_b798d506f950bd53.txt'; "
                                   "line 6 is used")]


def test_sidecar_row_naming_a_missing_file_is_a_note(corpus: Path, tmp_path: Path) -> None:
    old, new = "002_955dc46795f2f120.txt", "002_renamed.txt"
    (corpus / old).rename(corpus / new)
    db = _run(corpus, tmp_path)
    articles = _articles(db)
    assert set(SEED_DOCS) - {old} <= set(articles)
    assert articles[new]["date_basis"] != "sources.csv"  # not guessed from the old name's row
    [(rule, reason)] = _quarantine(db, old)
    assert rule == "note:sidecar_missing_file" and reason.startswith("sidecar row names a missing file")
    assert _query(db, "SELECT count(*) FROM marts.fct_claims WHERE doc = ?", new)[0][0] > 0


def test_file_mixing_utf8_and_latin1_is_decoded_line_by_line(corpus: Path, tmp_path: Path,
                                                             seed_claims: list[tuple]) -> None:
    data = (_front("Siemens will invest €20 billion in AI data centres in 2025.\n").encode("utf-8")
            + "Le café de la direction a confirmé le plan.\n".encode("latin-1"))
    (corpus / "313_mixed.txt").write_bytes(data)
    db = _run(corpus, tmp_path)
    _assert_seeds_land(db, seed_claims)
    article = _articles(db)["313_mixed.txt"]
    assert article["encoding"] == "mixed utf-8/cp1252"
    assert "€20 billion" in article["text"] and "café" in article["text"]
    assert (2e10, "EUR") in rows(db, "SELECT value, currency FROM marts.fct_claims WHERE doc = '313_mixed.txt'")
    assert [r for r, _ in _quarantine(db, "313_mixed.txt")] == ["note:mixed_encoding"]


def test_failure_summary_names_the_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the articles folder vanished")

    monkeypatch.setattr(assets.pipeline.steps, "scan_articles", broken)
    outcome = run_pipeline(db=tmp_path / "capex.duckdb", articles=SEEDS, instance=dg.DagsterInstance.ephemeral())
    assert not outcome.success
    assert outcome.failures == ["raw_articles: ValueError: the articles folder vanished"]
    assert "  failure: raw_articles: ValueError: the articles folder vanished" in outcome.summary
    assert "Error occurred while executing" not in outcome.summary


def test_front_matter_fields_are_checked_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(_front(ARTICLE, lang="'[en]'", url="{a: 1}", title="'" + "t" * 2000 + "'"), encoding="utf-8")
    article = read_article(path)
    assert (article.lang, article.lang_basis, article.url, article.title) == ("en", "detected", None, None)
    assert [n.reason for n in article.notes] == ["note:bad_field"] * 3


def test_a_file_listed_as_regular_is_checked_again_when_opened(tmp_path: Path) -> None:
    """A folder's reader opens a file its listing saw as regular without a stat first: a FIFO swapped in since is
    refused without blocking, and a file over the limit is not read."""
    os.mkfifo(tmp_path / "pipe.txt")
    refused = read_article(str(tmp_path / "pipe.txt"), follow=False, name="pipe.txt", regular=True)
    assert isinstance(refused, Rejected)
    assert (refused.reason, refused.detail) == ("not_regular_file",
                                                "the file is a FIFO (named pipe), not a regular file; not read")
    (tmp_path / "big.txt").write_bytes(b"ByteDance $1 billion. " * 100)
    big = read_article(str(tmp_path / "big.txt"), max_bytes=1000, follow=False, name="big.txt", regular=True)
    assert isinstance(big, Rejected)
    assert (big.reason, big.detail) == ("too_large", "2200 bytes is over the 1000-byte limit; not read")
    article = read_article(str(tmp_path / "big.txt"), follow=False, name="big.txt", regular=True)
    assert isinstance(article, Article) and article.stat is not None and article.stat.size == 2200


def test_sidecar_that_is_a_fifo_or_a_loop_is_a_note_not_a_hang(tmp_path: Path) -> None:
    for name, make in (("fifo", os.mkfifo), ("loop", lambda p: os.symlink(p.name, p))):
        folder = tmp_path / name
        folder.mkdir()
        make(folder / "sources.csv")
        [note] = read_sidecar(folder).notes
        assert note.reason == "note:sidecar_ignored", note
    assert "FIFO" in read_sidecar(tmp_path / "fifo").notes[0].detail


def test_printable_names_round_trip_every_byte() -> None:
    assert printable(os.fsdecode(b"a\xff\xe9b.txt")) == "a\\xff\\xe9b.txt"
    assert printable("café.txt") == "café.txt"
    assert printable("x\ud800.txt") == "x\\ud800.txt"


def test_an_article_takes_its_fields_in_order_and_stays_frozen() -> None:
    import dataclasses

    from capex_pipeline.articles import Article, FileStat

    declared = dataclasses.fields(Article)
    values = ["a.txt", "/x/a.txt", "0" * 64, "text", "utf-8", "en", "detected", None, "unknown", "Outlet",
              "https://x", "Title", "a note", (), FileStat(1, 2, 3)]
    article = Article(*values)
    assert [getattr(article, f.name) for f in declared] == values
    bare = Article(*values[:12])
    assert [getattr(bare, f.name) for f in declared[12:]] == [f.default for f in declared[12:]]
    assert bare == Article(*values[:12], stat=FileStat(4, 5, 6))  # notes and stat are not compared
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.lang = "de"  # type: ignore[misc]
    assert dataclasses.replace(article, lang="de").lang == "de"
