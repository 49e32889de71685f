"""The one registry of languages: what it holds, and that every consumer reads it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from capex_app.cli import build_parser
from capex_pipeline.articles import Article, read_corpus
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


@pytest.mark.parametrize(("files", "message"), [
    ({"de.yaml": "- a list\n"}, "an overlay is a mapping of tables"),
    ({"en.yaml": "scales: {zillion: lots}\n"}, "'zillion' should be a number"),
    ({"xq.yaml": "locale: qq\n"}, "no CLDR locale"),
    ({"de.yaml": "scales: [\n"}, "not readable YAML"),
    ({"en.yaml": "split_cues: [set, out]\n"}, "split_cues: 'set' should be a pair of words"),
])
def test_a_broken_overlay_is_named_in_one_line(tmp_path: Path, files: dict[str, str], message: str) -> None:
    import subprocess
    import sys

    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_text("---\nlang: xq\n---\nIt spent 5 billion dollars.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "capex_app.cli", "--lexicons", str(tmp_path), "extract",
                           str(tmp_path / "a.txt")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_overlays_that_extend_each_other_in_a_loop_still_load(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from capex_pipeline.extract import reload_lexicons

    (tmp_path / "de.yaml").write_text("extends: fr\n", encoding="utf-8")
    (tmp_path / "fr.yaml").write_text("extends: de\n", encoding="utf-8")
    monkeypatch.setenv("CAPEX_LEXICONS", str(tmp_path))
    reload_lexicons()
    try:
        assert [m.value for m in extract("Sie investiert 5 Milliarden Euro.", lang="de")] == [5e9]
    finally:
        monkeypatch.delenv("CAPEX_LEXICONS")
        reload_lexicons()


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Вложения составят 5 миллиардов долларов в этом году.", "ru", [("5 миллиардов долларов", "USD")]),
    ("Firma wyda 3 mld dolarów w Polsce.", "pl", [("3 mld dolarów", "USD")]),
    ("阿里巴巴将投资3800亿元，另有20亿港元。", "zh", [("3800亿元", "CNY"), ("20亿港元", "HKD")]),
    ("Satsningen är 5 miljarder kr, mer än norska kronor.", "sv", [("5 miljarder kr", "SEK")]),
    ("Alibaba plans ¥70 billion yuan of spending.", "en", [("¥70 billion yuan", "CNY")]),
    ("The C$5 billion plan", "en", [("C$5 billion", "CAD")]),
    ("a $100-billion fund", "en", [("$100-billion", "USD")]),
    ("O grupo vai investir R$ 5 bi em data centers.", "pt", [("R$ 5 bi", "BRL")]),
    ("see https://example.com/plans-20-billion-capex and more", "en", []),
    ("It will invest \u200b5 billion euros.", "en", [("5 billion euros", "EUR")]),
    # the Philippine press's peso mark, also Botswana's pula: the country the article names decides
    ("The Manila group will spend P10 billion on data centres.", "en", [("P10 billion", "PHP")]),
    ("Botswana's utility will spend P2 billion on a data centre.", "en", [("P2 billion", "BWP")]),
    ("The P60 phone sold well.", "en", []),
    # "NIS" is also the EU's network-security directive: the shekel's mark only with a scale word
    ("Data centres fall under the NIS 2 directive.", "en", []),
    ("Die NIS 2 Richtlinie gilt auch für Rechenzentren.", "de", []),
    ("The Tel Aviv firm will invest NIS 3 billion.", "en", [("NIS 3 billion", "ILS")]),
    # a year before an amount whose currency comes first: the currency is that amount's, the year no figure
    ("Kufikia 2030 dola bilioni 5 zitawekezwa katika vituo vya data.", "sw", [("dola bilioni 5", "USD")]),
    ("By 2030 $5 billion will go to data centres.", "en", [("$5 billion", "USD")]),
    # a mark written after its number keeps it where what follows is no larger figure
    ("Die Lizenz kostet 300 EUR 2025 und mehr danach.", "de", [("300 EUR", "EUR")]),
])
def test_currency_and_quote_boundaries(text: str, lang: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.quote, m.currency) for m in extract(text, lang=lang)] == expected


def test_cldr_data_of_one_language_never_holds_another_languages_names() -> None:
    """Babel resolved inherited stand-alone names into a shared cache, so Japanese read the Hebrew months
    generated just before it; the shipped data and a fresh generation are clean."""
    from capex_pipeline.extract import cldr
    from capex_pipeline.extract.registry import shipped

    def hebrew(names: list[str]) -> bool:
        return any("\u0590" <= ch <= "\u05ff" for name in names for ch in name)

    cldr.generate("he", "he")
    japanese = cldr.generate("ja", "ja")
    assert not hebrew([*japanese["months"], *japanese["quarters"]]) and japanese["quarters"]["第3四半期"] == 3
    for lang in ("ja", "zh", "ko", "hi", "th", "vi"):
        assert not hebrew(list(shipped(f"cldr/{lang}")["months"])), lang


def test_a_currency_name_that_starts_with_a_mark_is_quoted_whole() -> None:
    """"ரூ" is the rupee's mark and "ரூபாய்" its name: the quote ends after the name, not inside it."""
    (m,) = extract("அரசு தரவு மையங்களுக்கு 2,500 கோடி ரூபாய் ஒதுக்கியது.", lang="ta")
    assert m.quote == "2,500 கோடி ரூபாய்"
    (m,) = extract("公司投资100亿元的项目。", lang="zh")  # a mark glued to the next word stays the mark
    assert m.quote == "100亿元"


@pytest.mark.parametrize(("lang", "text", "currency"), [
    ("de", "Der Konzern investiert 800 Millionen Rupien in Bangalore.", "INR"),
    ("fr", "Au Pakistan, l'opérateur investira 900 millions de roupies.", "PKR"),
    ("fr", "La banque genevoise investira 300 millions de francs.", "CHF"),
    ("ru", "Компания вложит 40 млрд тенге в дата-центр.", "KZT"),
    ("pt", "A Samsung vai investir 5 bilhões de wons.", "KRW"),
    ("ja", "同社はインドに500億ルピーを投資する。", "INR"),
])
def test_bare_currency_nouns_of_the_press(lang: str, text: str, currency: str) -> None:
    (m,) = extract(text, lang=lang)
    assert m.currency == currency


@pytest.mark.parametrize(("text", "lang", "currency"), [
    # a country named in passing, whose language is not the article's, does not override the local reading
    ("Koncernen, som också har kontor i Norge, satsar 4 miljarder kr på ett nytt datacenter.", "sv", "SEK"),
    ("Koncernen, der også har kontorer i Sverige, bruger 4 milliarder kr på et nyt datacenter.", "da", "DKK"),
    ("该公司今年将投资600亿元扩建数据中心，台湾的供应商也将受益。", "zh", "CNY"),
    ("同社は中国勢に対抗し、データセンターに¥2兆を投じる。", "ja", "JPY"),
    # where the article's language is spoken in the named country, that country's unit is the reading
    ("Serikali ya Kenya imetenga shilingi bilioni 8 kwa vituo vya data.", "sw", "KES"),
    ("The Karachi group will spend Rs 40 billion on servers in Pakistan.", "en", "PKR"),
])
def test_a_named_country_reads_a_shared_mark_only_where_the_article_language_is_its_own(
        text: str, lang: str, currency: str) -> None:
    assert [m.currency for m in extract(text, lang=lang)] == [currency]
