"""Per-language specs (after Microsoft Recognizers-Text's Specs folder): `tests/specs/<lang>.yaml` holds news
sentences with the amounts they state (value, currency, qualifier and, where given, metric); a case with
`amounts: []` is a non-money number. Cases marked `xfail` are known gaps of the extractor, kept visible
(strict: a fixed gap makes the test fail until it is unmarked)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_pipeline.extract import extract
from capex_pipeline.extract.registry import languages

SPECS = Path(__file__).resolve().parent / "specs"
QUALIFIERS = {"exact", "min", "max", "approx"}
REL_TOL = 0.005


def _load(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def _spec_files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SPECS.glob("*.yaml"))}


def _cases() -> list[Any]:
    params = []
    for lang, path in _spec_files().items():
        for i, case in enumerate(_load(path)):
            marks = [pytest.mark.xfail(reason=str(case["xfail"]), strict=True)] if case.get("xfail") else []
            params.append(pytest.param(lang, case, id=f"{lang}-{i}", marks=marks))
    return params


def _expected(case: dict[str, Any]) -> list[tuple[float, str, str]]:
    return [(float(a["value"]), a["currency"], a.get("qualifier", "exact")) for a in case["amounts"]]


@pytest.mark.parametrize(("lang", "case"), _cases())
def test_spec_case(lang: str, case: dict[str, Any]) -> None:
    text = case["text"]
    found = extract(text, lang=lang)
    assert all(text[m.start:m.end] == m.quote for m in found)
    expected = _expected(case)
    got = [(m.value, m.currency, m.qualifier) for m in found]
    # values within 0.5% count as equal: compare with the expected value put in their place
    aligned = [(e[0] if math.isclose(g[0], e[0], rel_tol=REL_TOL) else g[0], *g[1:])
               for g, e in zip(got, expected, strict=False)] + got[len(expected):]
    assert aligned == expected, [m.quote for m in found]
    # a case may also name the metric its words tie an amount to (the keyword tables of metrics.yaml)
    metrics = [(a.get("metric"), m.metric) for a, m in zip(case["amounts"], found, strict=False) if a.get("metric")]
    assert all(want == got for want, got in metrics), metrics


def test_every_language_has_a_spec_file() -> None:
    files = _spec_files()
    registered = languages()
    assert sorted(files) == sorted(registered), set(files) ^ set(registered)
    for lang in registered:
        cases = _load(files[lang])
        assert len(cases) >= 3, lang
        assert any(c["amounts"] == [] for c in cases), f"{lang}: no negative case"
        for c in cases:
            assert set(c) <= {"text", "amounts", "xfail"}, (lang, c)
            assert isinstance(c["text"], str) and c["text"].strip(), (lang, c)
            for a in c["amounts"]:
                assert float(a["value"]) > 0 and a["currency"].isupper() and len(a["currency"]) == 3, (lang, a)
                assert a.get("qualifier", "exact") in QUALIFIERS, (lang, a)


# Decimal digits of several scripts, zero first.
SCRIPTS = {
    "ascii": "0123456789",
    "fullwidth": "".join(chr(0xFF10 + i) for i in range(10)),
    "arabic-indic": "".join(chr(0x0660 + i) for i in range(10)),
    "persian": "".join(chr(0x06F0 + i) for i in range(10)),
    "devanagari": "".join(chr(0x0966 + i) for i in range(10)),
    "bengali": "".join(chr(0x09E6 + i) for i in range(10)),
    "thai": "".join(chr(0x0E50 + i) for i in range(10)),
}


def _render(ascii_number: str, script: str, decimal: str = ".") -> str:
    table = str.maketrans("0123456789.", SCRIPTS[script] + decimal)
    return ascii_number.translate(table)


# An amount as written in ASCII: an integer, or one with one or two decimals (three would read as grouping).
amounts = st.builds(lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
                    st.integers(min_value=1, max_value=99_999),
                    st.sampled_from(["", "5", "25", "75", "1", "05"]))


def _only(text: str, lang: str) -> tuple[float, str | None]:
    found = extract(text, lang=lang)
    assert all(text[m.start:m.end] == m.quote for m in found), found
    assert len(found) == 1, (text, found)
    return found[0].value, found[0].currency


@settings(max_examples=60, deadline=None)
@given(number=amounts, script=st.sampled_from(sorted(SCRIPTS)), grouped=st.booleans())
def test_digits_of_any_script_read_alike_in_english(number: str, script: str, grouped: bool) -> None:
    if grouped and "." not in number:
        number = f"{int(number):,}"  # "12,345" with the comma kept in every script
    template = "The group will invest {} billion dollars in new data centres, it said."
    ascii_value = _only(template.format(number), "en")
    assert ascii_value[0] == pytest.approx(float(number.replace(",", "")) * 1e9)
    assert _only(template.format(_render(number, script)), "en") == ascii_value


# (language, sentence template, digit script, decimal mark as written, scale x unit, currency)
NATIVE = [
    ("fa", "این شرکت {} میلیارد دلار در مرکز داده سرمایه‌گذاری می‌کند.", "persian", "٫", 1e9, "USD"),
    ("ar", "أعلنت الشركة استثمار {} مليار دولار في مراكز البيانات.", "arabic-indic", "٫", 1e9, "USD"),
    ("th", "บริษัทจะลงทุนสร้างศูนย์ข้อมูลมูลค่า {} ล้านบาท", "thai", ".", 1e6, "THB"),
    ("hi", "कंपनी डेटा सेंटर में {} करोड़ रुपये का निवेश करेगी।", "devanagari", ".", 1e7, "INR"),
    ("bn", "প্রতিষ্ঠানটি ডেটা সেন্টারে {} কোটি টাকা বিনিয়োগ করবে।", "bengali", ".", 1e7, "BDT"),
    ("ja", "同社はデータセンターに{}億円を投資する。", "fullwidth", "．", 1e8, "JPY"),
    ("zh", "该公司将投资{}亿元建设数据中心。", "fullwidth", "．", 1e8, "CNY"),
]


@settings(max_examples=40, deadline=None)
@given(number=amounts, case=st.sampled_from(NATIVE))
def test_native_digits_read_alike_in_their_language(number: str, case: tuple[str, str, str, str, float, str]) -> None:
    lang, template, script, decimal, unit, currency = case
    ascii_value = _only(template.format(number), lang)
    assert ascii_value == (pytest.approx(float(number) * unit), currency)
    assert _only(template.format(_render(number, script, decimal)), lang) == ascii_value
