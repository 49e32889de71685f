"""Language data generated from CLDR through Babel: scale words, currency names and symbols, separators,
month and quarter names. `python -m capex_pipeline.extract.cldr` regenerates `lexicons/cldr/` for every language in
`lexicons/languages.yaml`; a language added only in a user's overlay folder is generated on the fly."""

from __future__ import annotations

import sys
import unicodedata
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import babel
import yaml
from babel import Locale
from babel.core import get_global, parse_locale

_MIN_SCALE = 3  # thousand and up: smaller powers are not scale words


def _clean(word: str) -> str:
    """Without format characters (bidi marks in Hebrew patterns, zero-width spaces) and pattern quotes."""
    visible = "".join(ch for ch in word if unicodedata.category(ch) != "Cf")
    return visible.replace("'", "").replace("\u00a0", " ").strip()


@cache
def tender_currencies() -> frozenset[str]:
    """ISO codes legal tender somewhere today."""
    return frozenset(code for entries in get_global("territory_currencies").values()
                     for code, _start, end, tender in entries if end is None and tender)


def scale_words(locale: Locale) -> dict[str, float]:
    """Words and abbreviations of the compact decimal formats ("0 Milliarden", "0 Mrd.", "0 พันล้าน") with the
    power of ten each stands for. Long forms win over short ones; a one- or two-letter Latin abbreviation
    (K, M, Mr, jt) is left to the hand-written overlays, where it is safe only glued to a number."""
    found: dict[str, float] = {}
    for kind in ("long", "short"):
        for _form, magnitudes in (locale.compact_decimal_formats.get(kind) or {}).items():
            for magnitude, pattern in sorted(magnitudes.items(), key=lambda kv: len(kv[0])):
                text = (pattern if isinstance(pattern, str) else pattern.pattern).split(";")[0]  # not the negative
                zeros = text.count("0")
                word = _clean(text.replace("0", ""))
                if word.startswith("de "):  # Romanian "de miliarde": the connector is read by the grammar
                    word = word[3:]
                power = len(magnitude) - zeros
                if not zeros or power < _MIN_SCALE or not word:
                    continue
                if len(word) <= 2 and word.isascii():
                    continue
                found.setdefault(word, float(10 ** power))
    return found


def singular_scales(locale: Locale) -> list[str]:
    """Scale words of the plural form 'one' ("Milliarde", "miljardi", "billion"): alone before a currency they
    mean one of them ("miljardin euron investointi")."""
    out = []
    for magnitude, pattern in ((locale.compact_decimal_formats.get("long") or {}).get("one") or {}).items():
        text = (pattern if isinstance(pattern, str) else pattern.pattern).split(";")[0]
        if text.count("0") == 1 and len(magnitude) - 1 >= 6:
            out.append(_clean(text.replace("0", "")))
    return sorted(set(out))


def currency_names(locale: Locale) -> dict[str, str]:
    """Display names of today's currencies in every plural form ("dolar amerykański", "dolarów amerykańskich")."""
    names: dict[str, str] = {}
    plural = locale._data.get("currency_names_plural") or {}
    for code in sorted(tender_currencies()):
        forms = [locale.currencies.get(code), *((plural.get(code) or {}).values())]
        for name in forms:
            if name and name != code:
                names.setdefault(_clean(name), code)
    return names


def currency_symbols(locale: Locale) -> dict[str, str]:
    """The locale's own symbols ("zł", "US$", "NT$", "kr"); a symbol two currencies share here is dropped."""
    seen: dict[str, set[str]] = defaultdict(set)
    for code in tender_currencies():
        symbol = _clean(locale.currency_symbols.get(code) or "")
        if symbol and symbol != code:
            seen[symbol].add(code)
    return {s: next(iter(codes)) for s, codes in sorted(seen.items()) if len(codes) == 1}


def months(locale: Locale) -> dict[str, int]:
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in (locale.months.get(context, {}).get("wide") or {}).items():
            out.setdefault(_clean(name), int(number))
    return out


def quarters(locale: Locale) -> dict[str, int]:
    """Quarter names ("3rd quarter", "第三季度", "3분기", "III kwartał", "Q3"); an abbreviation of one Latin letter
    and a digit other than Q ("T3", "K3") is too often a terminal or a model to date anything."""
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in (locale.quarters.get(context, {}).get(width) or {}).items():
                name = _clean(name)
                if width == "abbreviated" and len(name) <= 2 and name.isascii() and not name.startswith("Q"):
                    continue
                out.setdefault(name, int(number))
    return out


def list_conjunctions(locale: Locale) -> list[str]:
    """The word that joins the last two items of a list ("und", "y", "和", "و"), from the locale's list patterns;
    a comma or an ideographic comma alone is no word."""
    words = set()
    for key in ("2", "end"):
        pattern = (locale.list_patterns.get("standard") or {}).get(key) or ""
        if pattern.startswith("{0}") and pattern.endswith("{1}"):
            word = _clean(pattern[3:-3]).strip(" ,、،\u00a0")
            if word:
                words.add(word)
    return sorted(words)


def home_symbols() -> dict[str, list[str]]:
    """Symbol -> currencies whose home locales write it so ("zł" in pl_PL, "R" in en_ZA, "₺" in tr_TR): the
    local symbols any article may quote. A symbol with several currencies is resolved by the article's
    language and region (see `lexicon.py`)."""
    by_symbol: dict[str, set[str]] = defaultdict(set)
    territory_languages = get_global("territory_languages")
    for territory, entries in get_global("territory_currencies").items():
        current = [code for code, _start, end, tender in entries if end is None and tender]
        for lang, info in (territory_languages.get(territory) or {}).items():
            if info.get("official_status") not in ("official", "de_facto_official"):
                continue
            try:
                locale = Locale.parse(f"{lang}_{territory}")
            except (ValueError, babel.UnknownLocaleError):
                continue
            for code in current:
                symbol = _clean(locale.currency_symbols.get(code) or "")
                if symbol and symbol.upper() != code and not (len(symbol) == 1 and symbol.isascii()):
                    by_symbol[symbol].add(code)  # one Latin letter (P, E, S) is too often something else
    return {s: sorted(codes) for s, codes in sorted(by_symbol.items())}


def generate(lang: str, locale_id: str) -> dict[str, Any]:
    # Babel resolves a locale's inherited aliases (root's stand-alone months and quarters point at the format
    # ones) into its shared cache, so the next locale read the previous one's names (Hebrew months in
    # Japanese): each language starts from a fresh cache.
    getattr(babel.localedata, "_cache", {}).clear()
    locale = Locale.parse(locale_id)
    return {
        "lang": lang,
        "locale": locale_id,
        "territory": locale.territory or parse_locale(get_global("likely_subtags").get(
            locale_id, get_global("likely_subtags").get(locale.language, "und_US")))[1],
        "decimal": locale.number_symbols["latn"]["decimal"],
        "group": locale.number_symbols["latn"]["group"],
        "scales": scale_words(locale),
        "singular_scales": singular_scales(locale),
        "currency_names": currency_names(locale),
        "currency_symbols": currency_symbols(locale),
        "months": months(locale),
        "quarters": quarters(locale),
        "list_conjunctions": list_conjunctions(locale),
    }


def languages_page(rows: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> str:
    """docs/languages.md: the registry as a table, written by the same command as the data."""
    lines = ["# Languages the extractor reads", "",
             "Generated by `make lexicons` (`python -m capex_pipeline.extract.cldr`) from",
             "`capex_pipeline/extract/lexicons/languages.yaml` and CLDR; do not edit. How to add a language or a word:",
             "README, section Languages.", "",
             "| code | CLDR locale | region | also | case endings | scale before number | scale words (CLDR) "
             "| local currency |",
             "|---|---|---|---|---|---|---|---|"]
    for code, spec, data in rows:
        big = sorted(((v, w) for w, v in data["scales"].items() if v >= 1e6), key=lambda vw: (vw[0], len(vw[1])))
        seen, words = set(), []
        for value, word in big:
            if value not in seen:
                seen.add(value)
                words.append(word)
        local = sorted(code for code, _start, end, tender in
                       get_global("territory_currencies").get(data["territory"] or "", []) if end is None and tender)
        lines.append(f"| {code} | {data['locale']} | {data['territory'] or ''} | {', '.join(spec.get('aliases') or [])}"
                     f" | {'yes' if spec.get('inflects') else ''} | {'yes' if spec.get('scale_first') else ''}"
                     f" | {', '.join(words[:4])} | {', '.join(local)} |")
    return "\n".join(lines) + "\n"


def _languages() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("lexicons/languages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def main(out: Path | None = None) -> None:
    out = out or Path(__file__).with_name("lexicons") / "cldr"
    out.mkdir(parents=True, exist_ok=True)
    header = f"# Generated from CLDR (Babel {babel.__version__}) by `python -m capex_pipeline.extract.cldr`: " \
             "do not edit; add words in an overlay.\n"
    rows = []
    for lang, spec in _languages().items():
        data = generate(lang, spec.get("locale", lang))
        rows.append((lang, spec, data))
        (out / f"{lang}.yaml").write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                                  width=120), encoding="utf-8")
    docs = Path(__file__).resolve().parents[2] / "docs"  # exists in a source checkout only, not in an install
    if docs.is_dir():
        (docs / "languages.md").write_text(languages_page(rows), encoding="utf-8")
    (out / "_symbols.yaml").write_text(header + yaml.safe_dump(home_symbols(), allow_unicode=True, width=120),
                                       encoding="utf-8")
    print(f"wrote {len(_languages())} languages and the symbol table to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
