"""The one-pass keyword scanner finds what the regex alternation of the same words finds: same spans, same
choice among overlapping words, same boundaries (Latin word starts and ends, inflectional endings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_pipeline.extract.grammar import grammar
from capex_pipeline.extract.keywords import Scanner, Table
from capex_pipeline.extract.lexicon import alternation
from capex_pipeline.extract.registry import languages

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
# Characters whose case folding differs between str.casefold and the regex engine (ß, ς, İ): the scanner
# reads them as lower() does, so generated text leaves them out.
_ODD_CASE = re.compile("[\u00df\u03c2\u0130\u212a\u017f]")


def _regex_spans(table: Table, text: str) -> list[tuple[int, int]]:
    pattern = re.compile(alternation(table.words, ignore_case=table.ignore_case, prefix=table.prefix,
                                     endings=table.endings, start=table.start))
    return [m.span() for m in pattern.finditer(text)]


def _articles() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(EVALUATION.rglob("*.txt"))]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "ja", "zh", "ko", "ru", "ar", "hi", "th", "pl"])
def test_scanner_matches_the_alternation_on_real_articles(lang: str) -> None:
    g = grammar(lang)
    checked = 0
    for text in _articles():
        found = g.keywords.scan(text)
        for name, table in g.keywords.tables.items():
            assert found[name] == _regex_spans(table, text), (lang, name)
            checked += len(found[name])
    assert checked > 50  # the articles do contain keywords of these tables


TABLES = [Table(("AI", "capex", "Meta", "Meta Platforms", "Mrd", "Mrd.", "invest")),
          Table(("invest", "capital expenditure", "capex", "data center", "データセンター", "투자"), ignore_case=True,
                prefix=True),
          Table(("milliard", "miljard", "dolar", "euro"), ignore_case=True, endings=True),
          Table(("mld", "mln", "bilion"), ignore_case=True, endings=True, start=False)]
WORDS = sorted({w for t in TABLES for w in t.words} | {"é", "a", "x", "ů", "에", "ア"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", "-", ".", "1", "ab", "É", "ë", "\n"])),
                max_size=25), st.sampled_from(range(len(TABLES))), st.booleans())
def test_scanner_matches_the_alternation_on_any_text(parts: list[str], which: int, upper: bool) -> None:
    text = "".join(parts)
    text = text.upper() if upper else text
    if _ODD_CASE.search(text):
        return
    table = TABLES[which]
    assert Scanner({"t": table}).scan(text)["t"] == _regex_spans(table, text)


def test_every_registered_language_builds_its_scanner() -> None:
    for code in languages():
        assert set(grammar(code).keywords.tables) >= {"metric", "company", "source", "year_rel", "month"}


def test_case_sensitive_words_are_found_as_written_beside_their_lower_case() -> None:
    # the case-sensitive words are looked for under their lower case, among the case-insensitive ones: only the
    # spelling as written counts for them; a capital sigma's lower case depends on its neighbours (ς at a word's end)
    tables = {"exact": Table(("Meta", "META", "ΣΑΣ", "ΟΣ")), "any": Table(("meta",), ignore_case=True)}
    text = "Meta meta META MeTa ΣΑΣ σας ΟΣ ος"
    found = Scanner(tables).scan(text)
    assert found["exact"] == [(0, 4), (10, 14), (20, 23), (28, 30)]
    assert found == {name: _regex_spans(table, text) for name, table in tables.items()}
