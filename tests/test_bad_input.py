"""Messy news folders: every file ends in raw.articles or in quality.quarantine with a reason (issue 8)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.pipeline import PIPELINE_ASSETS
from assets.resources import ClusterResource, CorpusResource, GxResource, WarehouseResource
from capex_pipeline import articles as articles_module
from capex_pipeline.articles import Article, Rejected, read_article

from .conftest import GOLD, SEEDS, rows

DEV = GOLD / "dev" / "articles"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(128, 256))


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "ByteDance plans $20 billion")
    return buf.getvalue()


def _messy_folder(folder: Path, outside: Path) -> dict[str, tuple[str, str]]:
    """Write every bad case beside the seeds; return file -> (expected fate, reason or encoding)."""
    fr = (DEV / "106_fr_sommet-ia-paris-109-milliards.txt").read_text(encoding="utf-8")
    zh = (DEV / "101_zh_tencent-capex-q3.txt").read_text(encoding="utf-8")
    ko = (DEV / "104_ko_meta-capex-range-93jo.txt").read_text(encoding="utf-8")
    ja = (DEV / "102_ja_softbank-openai-225oku.txt").read_text(encoding="utf-8")
    en = (SEEDS / "001_b798d506f950bd53.txt").read_text(encoding="utf-8")
    files: dict[str, tuple[bytes, tuple[str, str]]] = {
        "100_empty.txt": (b"", ("quarantine", "empty")),
        "101_blank.txt": (b" \n\t\n", ("quarantine", "empty")),
        "102_image.txt": (PNG, ("quarantine", "binary")),
        "103_report.txt": (PDF, ("quarantine", "binary")),
        "104_archive.txt": (_zip(), ("quarantine", "binary")),
        "105_bom.txt": (b"\xef\xbb\xbf" + en.encode(), ("article", "utf-8-sig")),
        "106_utf16.txt": (en.encode("utf-16"), ("article", "utf-16")),
        "107_cp1252.txt": (fr.encode("cp1252"), ("article", "cp1252|windows-1252|latin_1|iso8859_1|iso8859_15")),
        "108_gb18030.txt": (zh.encode("gb18030"), ("article", "gb18030|gbk|gb2312")),
        "109_euckr.txt": (ko.encode("euc-kr"), ("article", "euc_kr|cp949")),
        "110_sjis.txt": (ja.encode("shift_jis"), ("article", "shift_jis|cp932|shift_jis_2004")),
        "111_page.html": ((f"<!doctype html><html><head><title>t</title></head><body><nav>Home | World</nav>"
                           f"<article><h1>ByteDance capex</h1><p>{en.splitlines()[2]}</p><p>{en.splitlines()[3]}"
                           f"</p></article><footer>(c) 2025</footer></body></html>").encode(),
                          ("article", "utf-8+html")),
        # encodings: a superset codec (cp949 for EUC-KR) is right when the decoded text is identical (below)
        "112_broken_yaml.txt": (b"---\nlang: [de\n---\nByteDance plant 20 Milliarden US-Dollar in KI zu investieren.",
                                ("article", "not valid YAML")),
        "113_unknown_lang.txt": (b"---\nlang: xx\n---\nByteDance plans to spend $12 billion on AI this year.",
                                 ("article", "unsupported language")),
        "114_bad_date.txt": (b"---\ndate: yesterday\n---\nGoogle will invest $15 billion in India.",
                             ("article", "is not a date")),
        "115_huge.txt": (b"ByteDance $1 billion. " * 60_000, ("quarantine", "too_large")),
        "116_duplicate.txt": ((SEEDS / "003_ca642059fae57875.txt").read_bytes(), ("alias", "003_ca642059fae57875.txt")),
        "117_absurd.txt": (b"---\nlang: en\ndate: 2025-03-03\n---\nAcme will spend $100000000 trillion on GPUs.",
                           ("claim quarantined", "absurd amount")),
        "118_malformed.txt": (b"---\nlang: en\ndate: 2025-03-03\n---\nAcme will spend $1.2.3 billion on GPUs.",
                              ("claim quarantined", "malformed_number")),
        "119_locked.txt": (b"Meta will spend $65 billion.", ("quarantine", "unreadable")),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (outside / "secret.txt").write_text("Apple will spend $500 billion.")
    (folder / "120_escape.txt").symlink_to(outside / "secret.txt")
    (folder / "121_dangling.txt").symlink_to(folder / "does_not_exist.txt")
    expected = {name: fate for name, (_, fate) in files.items()}
    expected["120_escape.txt"] = ("quarantine", "outside_folder")
    expected["121_dangling.txt"] = ("quarantine", "unreadable")
    return expected


def test_every_file_ends_in_articles_or_quarantine(tmp_path: Path, corpus: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    expected = _messy_folder(corpus, outside)
    # Root reads any file whatever its mode, so a permission error is simulated for that one file.
    real_read = articles_module._read_regular

    def read_regular(path: Path | str, limit: int, **options: Any) -> tuple[bytes, os.stat_result]:
        if Path(path).name == "119_locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(path, limit, **options)

    monkeypatch.setattr(articles_module, "_read_regular", read_regular)
    db = tmp_path / "capex.duckdb"
    resources = {"duckdb": WarehouseResource(database=str(db)),
                 "corpus": CorpusResource(articles_dir=str(corpus), max_bytes=1_000_000), "dask": ClusterResource(),
                 "gx": GxResource()}
    result = dg.materialize(PIPELINE_ASSETS, resources=resources, raise_on_error=False)
    assert result.success

    articles = {r[0]: r for r in rows(db, "SELECT doc, encoding, metadata_note, also_named, text, lang, "
                                          "lang_basis, date_basis FROM raw.articles")}
    quarantine: dict[str, list[str]] = {}
    for doc, rule, reason in rows(db, "SELECT doc, rule, reason FROM quality.quarantine"):
        quarantine.setdefault(doc, []).append(f"{rule}: {reason}")
    aliases = {alias: doc for doc, row in articles.items() for alias in row[3]}
    for name, (fate, what) in expected.items():
        if fate == "article":
            assert name in articles, (name, quarantine.get(name))
            seen = articles[name][1] + " " + (articles[name][2] or "")
            assert any(w in seen for w in what.split("|")), (name, articles[name][1:3])
        elif fate == "alias":
            assert aliases[name] == what
        elif fate == "claim quarantined":  # the article is kept; the amount it cannot state is refused
            assert name in articles
            assert any(what in q for q in quarantine.get(name, [])), (name, quarantine.get(name))
        else:
            assert name not in articles
            assert any(what in q for q in quarantine.get(name, [])), (name, quarantine.get(name))
    for seed in SEEDS.glob("*.txt"):
        assert seed.name in articles
    for name in ("107_cp1252.txt", "108_gb18030.txt", "109_euckr.txt", "110_sjis.txt"):
        original = {"107": "106_fr", "108": "101_zh", "109": "104_ko", "110": "102_ja"}[name[:3]]
        source = next(DEV.glob(f"{original}*")).read_text(encoding="utf-8")
        assert articles[name][4] == source, name
    assert articles["113_unknown_lang.txt"][5] == "und"  # named, but not registered: no language's words
    assert articles["114_bad_date.txt"][7] == "unknown"
    assert "ByteDance" in articles["111_page.html"][4] and "<p>" not in articles["111_page.html"][4]
    money = {r[0] for r in rows(db, "SELECT DISTINCT doc FROM marts.fct_claims")}
    assert not {"117_absurd.txt", "118_malformed.txt"} & money
    assert {"107_cp1252.txt", "108_gb18030.txt", "109_euckr.txt", "110_sjis.txt", "111_page.html"} <= money


@given(st.binary(max_size=3000))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ingestion_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    item = read_article(path)
    assert isinstance(item, Article | Rejected)
    if isinstance(item, Rejected):
        assert item.reason and item.detail


@given(st.text(max_size=2000))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ingestion_never_raises_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text("---\n" + text if text[:1] == "l" else text, encoding="utf-8", errors="surrogatepass")
    assert isinstance(read_article(path), Article | Rejected)


def test_unreadable_permission_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Meta will spend $65 billion.")
    os.chmod(path, 0)
    item = read_article(path)
    if os.geteuid() == 0:  # root reads it anyway: then it must simply be an article
        assert isinstance(item, Article)
    else:
        assert isinstance(item, Rejected) and item.reason == "unreadable"


def test_dateline_is_the_publication_date_when_metadata_has_none(tmp_path: Path) -> None:
    path = tmp_path / "k.txt"
    path.write_text("메타 \"올해 AI 인프라에 최대 93조원 투자\"\n입력 : 2025.01.25 03:28:30\n본문", encoding="utf-8")
    item = read_article(path)
    assert isinstance(item, Article)
    assert (str(item.published), item.date_basis) == ("2025-01-25", "dateline")


# The `filetype` matchers articles._MAGIC_PREFIXES and _MAGIC_AT were written from. When this list changes
# (a new filetype release), read the new matchers and update those signatures before updating the list.
REVIEWED_MATCHERS = (
    "image.Dwg image.Xcf image.Jpeg image.Jpx image.Apng image.Png image.Gif image.Webp image.Tiff image.Cr2 "
    "image.Bmp image.Jxr image.Psd image.Ico image.Heic image.Dcm image.Avif audio.Aac audio.Midi audio.Mp3 "
    "audio.M4a audio.Ogg audio.Flac audio.Wav audio.Amr audio.Aiff video.M3gp video.Mp4 video.M4v video.Mkv "
    "video.Mov video.Avi video.Wmv video.Mpeg video.Webm video.Flv font.Woff font.Woff2 font.Ttf font.Otf "
    "document.Doc document.Docx document.Odt document.Xls document.Xlsx document.Ods document.Ppt document.Pptx "
    "document.Odp archive.Br archive.Rpm archive.Dcm archive.Epub archive.Zip archive.Tar archive.Rar archive.Gz "
    "archive.Bz2 archive.SevenZ archive.Pdf archive.Exe archive.Swf archive.Rtf archive.Nes archive.Crx "
    "archive.Cab archive.Eot archive.Ps archive.Xz archive.Sqlite archive.Deb archive.Ar archive.Z archive.Lzop "
    "archive.Lz archive.Elf archive.Lz4 archive.Zstd application.Wasm")
_OLE, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04" + bytes(26)
_ODF = _ZIP + b"mimetypeapplication/vnd.oasis.opendocument."
# One head per matcher (archive.Dcm compares 3 bytes with 4 and never matches): each must be typed as filetype types it.
SIGNATURES = [
    b"AC1015", b"gimp xcf v001", b"\xff\xd8\xff\xe0", b"\0\0\0\x0cjP  \r\n\x87\n\0\0\0\x14ftypjp2 " + bytes(40),
    b"\x89PNG\r\n\x1a\n\0\0\0\x08acTL" + bytes(20), b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\0\0\0\0WEBPVP8 ",
    b"II*\0\0\0\0\0\0\0", b"II*\0\0\0\0\0CR", b"MM\0*\0\0\0\0\0\0", b"BM", b"II\xbc", b"8BPS", b"\0\0\1\0",
    b"\0" * 128 + b"DICM\0", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", b"\0\0\0\x18ftypavif\0\0\0\0mif1avif",
    b"\xff\xf1", b"MThd", b"ID3\x03", b"\xff\xfb\x90", b"\0\0\0\x20ftypM4A ", b"M4A " + bytes(8), b"OggS", b"fLaC",
    b"RIFF\0\0\0\0WAVE", b"#!AMR\n" + bytes(6), b"FORM\0\0\0\0AIFF", b"ftyp3gp", b"\0\0\0\x18ftypisom\0\0\0\0isomiso2",
    b"\0\0\0\x1cftypM4V ", b"\x1aE\xdf\xa3\x42\x82\x88matroska", b"\0\0\0\x14ftypqt  \0\0\0\0qt  ",
    b"RIFF\0\0\0\0AVI ", b"0&\xb2u\x8ef\xcf\x11\xa6\xd9", b"\0\0\1\xba", b"\x1aE\xdf\xa3\x42\x82\x84webm", b"FLV\x01",
    b"wOFF\0\1\0\0", b"wOF2OTTO", b"\0\1\0\0\0", b"OTTO\0", _OLE + bytes(504) + b"\xec\xa5\xc1\0",
    _ZIP + b"word/document.xml", _ODF + b"text", _OLE + bytes(504) + b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(16),
    _ZIP + b"xl/workbook.xml", _ODF + b"spreadsheet", _OLE + bytes(504) + b"\xa0\x46\x1d\xf0" + bytes(16),
    _ZIP + b"ppt/slides", _ODF + b"presentation", "βρ".encode(), b"\xed\xab\xee\xdb",
    _ZIP + b"mimetypeapplication/epub+zip", b"PK\x05\x06",
    b"x" * 257 + b"ustar", b"Rar!\x1a\x07\x00", b"\x1f\x8b\x08", b"BZh91AY", b"7z\xbc\xaf'\x1c", b"%PDF-1.7",
    b"\xef\xbb\xbf%PDF-1.4", b"MZ\x90\0", b"FWS", b"{\\rtf1", b"NES\x1a", b"Cr24", b"MSCF",
    bytes(8) + b"\x02\x00\x01" + bytes(23) + b"LP", b"%!PS-Adobe", b"\xfd7zXZ\0", b"SQLite format 3\0",
    b"!<arch>\ndebian-binary", b"!<arch>\n", b"\x1f\x9d", b"\x89LZO\0\r\n\x1a", b"LZIP", b"\x7fELF" + b"\x02" * 60,
    b"\x04\x22\x4d\x18", b"\x50\x2a\x4d\x18\0\0\0\0\x28\xb5\x2f\xfd", b"\0asm\1\0\0\0",
]
TEXT_TAIL = ("Acme will spend $40 billion on data centres in 2025, its chief executive said.\n" * 8).encode()


def _filetype_verdict(data: bytes) -> str | None:
    """binary_kind as it was before the signature pre-check: `filetype` asked about every file."""
    return articles_module.magic_kind(data) or articles_module.nul_kind(data)


def test_signature_precheck_gives_filetypes_verdict_on_every_type_it_knows() -> None:
    import filetype

    matchers = " ".join(f"{type(m).__module__.rsplit('.', 1)[-1]}.{type(m).__name__}" for m in filetype.types)
    assert matchers == REVIEWED_MATCHERS
    typed = set()
    for head in SIGNATURES:
        kind = filetype.match(head)
        assert kind is not None, head
        typed.add(f"{type(kind).__module__.rsplit('.', 1)[-1]}.{type(kind).__name__}")
        for data in (head, head + TEXT_TAIL, head[:-1] + TEXT_TAIL, head[1:] + TEXT_TAIL, TEXT_TAIL[:40] + head):
            assert articles_module.binary_kind(data) == _filetype_verdict(data), data[:60]
    assert typed == set(REVIEWED_MATCHERS.split()) - {"archive.Dcm"}


@given(st.one_of(st.binary(max_size=600),
                 st.tuples(st.sampled_from(SIGNATURES), st.binary(max_size=8), st.integers(0, 300), st.binary())
                 .map(lambda t: t[0][:t[2]] + t[1] + t[0][t[2] + len(t[1]):] + t[3])))
@settings(max_examples=400, deadline=None)
def test_signature_precheck_never_hides_a_type(data: bytes) -> None:
    assert articles_module.binary_kind(data) == _filetype_verdict(data)


_PIECES = st.sampled_from(["20", "2025", "12025", "٢", "2", "0", "1", "01", "12", "13", "29", "31", "x", " "])
_SEPARATORS = st.sampled_from(["-", ".", "/", " ", "年", "월", "月", " - ", "x"])
_DATE_LIKE = st.tuples(_PIECES, _SEPARATORS, _PIECES, _SEPARATORS, _PIECES).map("".join)


@given(st.lists(st.one_of(_PIECES, _SEPARATORS, _DATE_LIKE), max_size=8).map("".join))
@settings(max_examples=300, deadline=None)
def test_dateline_pattern_matches_as_its_plain_form(text: str) -> None:
    """The dateline pattern puts its year's lookbehind after the "2" for speed; it finds what the plain form does."""
    import re

    plain = re.compile(r"(?<!\d)(20\d\d)\s?[-./年년]\s?(1[0-2]|0?[1-9])\s?[-./月월]\s?(3[01]|[12]\d|0?[1-9])(?!\d)")
    found = [(m.span(), m.groups()) for m in articles_module._DATELINE.finditer(text)]
    assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]
