"""Messy news folders: every file ends in raw.articles or in quality.quarantine with a reason (issue 8)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import dagster as dg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.pipeline import PIPELINE_ASSETS
from assets.resources import ClusterResource, CorpusResource, WarehouseResource
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

    def read_regular(path: Path, limit: int) -> bytes:
        if path.name == "119_locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(path, limit)

    monkeypatch.setattr(articles_module, "_read_regular", read_regular)
    db = tmp_path / "capex.duckdb"
    resources = {"duckdb": WarehouseResource(database=str(db)),
                 "corpus": CorpusResource(articles_dir=str(corpus), max_bytes=1_000_000), "dask": ClusterResource()}
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
