"""The one registry of languages: what it holds, and that every consumer reads it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from capex_pipeline.articles import Article, read_corpus
from capex_pipeline.cli import build_parser
from capex_pipeline.extract import extract, extract_article
from capex_pipeline.extract.registry import UNDETERMINED, languages
from capex_pipeline.quality import validate


def test_the_registry_holds_at_least_forty_languages_with_generated_cldr_data() -> None:
    langs = languages()
    assert len(langs) >= 40
    cldr = Path(__file__).resolve().parents[1] / "capex_pipeline" / "extract" / "lexicons" / "cldr"
    assert {p.stem for p in cldr.glob("*.yaml")} - {"_symbols"} == set(langs)


def test_the_languages_page_is_the_registry() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "languages.md").read_text(encoding="utf-8")
    codes = [line.split("|")[1].strip() for line in page.splitlines() if line.startswith("| ") and "---" not in line]
    assert codes[1:] == languages()  # the header row first; regenerate with `make lexicons`


def test_the_lang_gate_takes_its_value_set_from_the_registry(seed_run: tuple[object, Path]) -> None:
    _, db = seed_run
    with duckdb.connect(str(db), read_only=True) as con:
        frame = pl.from_arrow(con.sql("SELECT * FROM raw.articles LIMIT 1").arrow())
    for lang, passes in (("vi", True), (UNDETERMINED, True), ("xx", False)):
        result = validate(frame.with_columns(pl.lit(lang).alias("lang")), "raw_articles")
        lang_failures = [f for f in result.failures if f.column == "lang"]
        assert (not lang_failures) == passes, (lang, lang_failures)


def test_capex_help_lists_the_registry() -> None:
    text = build_parser().format_help()
    assert f"{len(languages())} languages" in text and "vi" in text and "zh-Hant" in text


def test_an_article_in_no_registered_language_is_read_with_language_independent_rules(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("ኩባንያው USD 5,000,000,000 እና EUR 3,000,000,000 ኢንቨስት ያደርጋል።\n",
                                    encoding="utf-8")
    (tmp_path / "sources.csv").write_text("file,lang,published\na.txt,am,2025-03-01\n", encoding="utf-8")
    (article,) = list(read_corpus(tmp_path))
    assert isinstance(article, Article)
    assert article.lang == UNDETERMINED and "language-independent" in article.lang_basis
    assert [(m.value, m.currency) for m in extract_article(article)] == [(5e9, "USD"), (3e9, "EUR")]


@pytest.mark.parametrize(("text", "lang", "currency", "why"), [
    ("新台幣300億元的投資，另有50億元", "zh-Hant", "TWD", "names TWD"),
    ("投资50亿元建设数据中心", "zh", "CNY", "region CN"),
    ("Investeringen er på 3 milliarder kr.", "da", "DKK", "region DK"),
    ("Satsningen är 3 miljarder kr", "sv", "SEK", "region SE"),
    ("The project costs Rs 500 crore", "ur", "PKR", None),
])
def test_shared_currency_marks_are_read_by_region_with_a_basis(text: str, lang: str, currency: str,
                                                             why: str | None) -> None:
    found = extract(text, lang=lang)
    assert found and all(m.currency == currency for m in found), [(m.quote, m.currency) for m in found]
    if why:
        assert any(why in (m.currency_basis or "") for m in found), [m.currency_basis for m in found]


def test_an_ambiguous_dot_is_noted_on_the_mention() -> None:
    (m,) = extract("Investeringen er på 3.500 milliarder kroner", lang="no")
    assert m.value == 3.5e12 and "thousands separator" in (m.note or "")
