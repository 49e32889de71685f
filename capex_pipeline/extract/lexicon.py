"""Per-language lexicons: data generated from CLDR (`lexicons/cldr/`) under small hand-written overlays
(`lexicons/<lang>.yaml`, `common.yaml`) and users' overlay folders, merged and compiled once per language."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import babel
from babel.numbers import get_territory_currencies

from . import cldr
from .registry import UNDETERMINED, LexiconError, overlay_dirs, registry, shipped, user_overlays
from .registry import normalize_lang as normalize_lang
from .wordkeys import ARABIC_FOLD, currency_of, is_latin, lookup, word_key

QUALIFIER_STRENGTH = {"exact": 0, "approx": 1, "min": 2, "max": 2}
_TABLES = ("scales", "currency_words", "currency_prefix", "prefix_words", "number_words", "months", "quarters",
           "year_words", "currency_factors")
_EXACT = ("currency_prefix",)  # symbols and ISO codes: "kr", "Kč", "ALL" (lek) are not "all"
def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if value is None:  # an empty key in an overlay changes nothing
            continue
        if key in _TABLES and isinstance(value, dict):
            # word tables are keyed case- and spelling-insensitively, so a later layer overrides an earlier one
            merged = dict(out.get(key) or {})
            merged.update({(unicodedata.normalize("NFC", str(k)) if key in _EXACT else word_key(str(k))): v
                           for k, v in value.items() if k})
            out[key] = merged
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):  # word lists add up across layers
            out[key] = [*out[key], *(v for v in value if v not in out[key])]
        else:
            out[key] = value
    return out


def _cldr_layer(lang: str) -> dict[str, Any]:
    """CLDR data as lexicon tables: scale words, currency names and symbols (after or before the number)."""
    data = shipped(f"cldr/{lang}")
    if not data:  # a language a user added: generated now, from the locale the overlay names
        locale = registry()[lang].get("locale", lang)
        try:
            data = cldr.generate(lang, str(locale))
        except (ValueError, babel.UnknownLocaleError) as exc:
            raise LexiconError(f"the overlay for {lang!r} names {locale!r}, which is no CLDR locale") from exc
    symbols = data.get("currency_symbols") or {}
    return {
        "locale": data["locale"], "territory": data.get("territory"),
        "scales": data.get("scales") or {},
        "singular_scales": data.get("singular_scales") or [],
        "currency_words": data.get("currency_names") or {},
        "currency_prefix": symbols,
        "months": data.get("months") or {},
        "quarters": data.get("quarters") or {},
        "list_conjunctions": data.get("list_conjunctions") or [],
    }


@cache
def territory_currencies(territory: str) -> frozenset[str]:
    """Currencies legal tender in a region today (CLDR)."""
    return frozenset(get_territory_currencies(territory, tender=True))


@cache
def home_symbols() -> dict[str, list[str]]:
    """Local currency symbols of every country ("zł", "Kč", "Rp", "R$"): one currency, or several candidates."""
    return shipped("cldr/_symbols")


@dataclass(frozen=True)
class Lexicon:
    lang: str
    locale: str
    territory: str | None
    inflects: bool
    scale_first: bool  # "dola milioni 500": a currency word, then the scale word, then the number
    scales: dict[str, float]
    singular_scales: list[str]
    currency_marks: dict[str, str]
    scaled_marks: frozenset[str]  # marks that are also common abbreviations: money only with a scale word
    prefix_words: dict[str, str]
    currency_words: dict[str, str]
    # every beginning of every name's key -> whether it is a whole name's key: a run is read only as far as one goes
    name_prefixes: dict[str, bool]
    longest_name: int
    currency_factors: dict[str, float]
    ambiguous: dict[str, list[str]]
    iso_codes: frozenset[str]
    cjk_units: dict[str, float]
    number_words: dict[str, float]
    qualifiers: dict[str, list[str]]
    qualifiers_after: dict[str, list[str]]
    year_words: dict[str, int]
    non_money_nouns: list[str]
    qualifier_exceptions: list[str]
    determiners: list[str]  # articles that may stand between a qualifier and its number ("up to the")
    range_connectors: list[str]
    range_between: list[list[str]]
    currency_connectors: list[str]
    scale_connectors: list[str]
    months: dict[str, int]
    quarters: dict[str, int]  # "third quarter", "第三季度", "Q3" -> 3
    current_period: list[str]
    year_comparison: list[str]
    year_horizon: list[str]
    conversion_connectors: list[str]
    numeric_month: str  # a regex with group mnum, where the language writes month numbers ("4月")
    era_year: str  # a regex with group eyear, where the press counts years in another era ("ปี 2568", "سال ۱۴۰۴")
    era_offset: int  # added to such a year for the Gregorian year it mostly falls in
    statement_cues: list[str]
    company_pronouns: list[str]
    list_conjunctions: list[str]  # "and" between the last two names of a list (CLDR list patterns)
    auxiliaries: list[str]  # between a subject and its investment verb ("Acme will invest", "a Acme vai investir")
    # separable statement verbs written apart around their subject ("maakte Acme bekend"): [verb, particle]
    split_cues: list[list[str]]
    # case endings of personal names in languages that decline them ("Tomem Clarkem", "podle Clarka"):
    # `always` are never a nominative's end, `attested` only where the article writes the name without it
    name_endings: dict[str, list[str]]
    # particles that mark the subject or topic after a noun (Korean 이/가/은/는, Japanese は/が)
    subject_particles: list[str]

    def scale_of(self, word: str) -> float:
        return self.scales.get(word) or self.scales[lookup(self.scales, word, self.inflects)]

    def is_singular(self, word: str) -> bool:
        """A singular scale word, possibly with a case ending ("miljardilla"), not another listed form."""
        key = word_key(word)
        singular = {word_key(str(w)) for w in self.singular_scales}
        try:
            return key in singular or (key not in self.scales and lookup(self.scales, word, self.inflects) in singular)
        except KeyError:
            return False

    def currency_of(self, word: str) -> tuple[str, str]:
        """(ISO code, kind) of a currency word, symbol or code as matched: kind is 'iso code', 'symbol' or
        'name'."""
        return currency_of(word, self.currency_marks, self.prefix_words, self.currency_words, self.inflects)

    def factor_of(self, word: str) -> float:
        if not self.currency_factors:  # most languages: no unit counts in tens of another
            return 1.0
        try:
            return float(self.currency_factors.get(lookup(self.currency_words, word, self.inflects), 1.0))
        except KeyError:
            return 1.0


def _language_chain(lang: str) -> list[dict[str, Any]]:
    """CLDR then the shipped overlay then users' overlays, for the language and the ones it extends."""
    layers: list[dict[str, Any]] = []
    name: str | None = lang
    seen: set[str] = set()
    while name and name not in seen:  # `extends` may not loop
        seen.add(name)
        own = [shipped(name), *user_overlays(name, overlay_dirs())]
        layers[:0] = [_cldr_layer(name) if name in registry() else {}, *own]
        name = next((layer["extends"] for layer in reversed(own) if layer.get("extends")), None)
    return layers


# English tables every other language keeps (articles quote English), but for these, which are a language's own
_OWN_LANGUAGE_ONLY = frozenset({"qualifiers", "qualifiers_after", "number_words", "locale", "territory",
                                "statement_cues", "company_pronouns", "inflects", "split_cues", "name_endings",
                                "subject_particles", "auxiliaries", "list_conjunctions"})


@cache
def lexicon(lang: str) -> Lexicon:
    """The merged lexicon of a registered language (or of the language-independent rules for any other):
    common <- English <- the language. Articles quote English ("over 150 billion yuan") and name currencies
    by ISO code or symbol in every language, so those layers apply everywhere."""
    code = normalize_lang(lang) or UNDETERMINED
    common = shipped("common")
    merged: dict[str, Any] = {}
    for name, codes in home_symbols().items():  # every country's local symbols, under the curated common table
        if len(codes) == 1:
            merged = _merge(merged, {"currency_prefix": {name: codes[0]}})
    merged = _merge(merged, common)
    english: dict[str, Any] = {}
    for layer in _language_chain("en"):
        english = _merge(english, layer)
    if code == "en":
        merged = _merge(merged, english)
    elif code != UNDETERMINED:
        keep = {k: v for k, v in english.items() if k not in _OWN_LANGUAGE_ONLY}
        merged = _merge(merged, keep)
        for layer in _language_chain(code):
            merged = _merge(merged, layer)
        for key in ("qualifiers", "qualifiers_after"):  # English qualifiers count everywhere
            for kind, words in (english.get(key) or {}).items():
                table = merged.setdefault(key, {}) or {}
                merged[key] = table | {kind: list(dict.fromkeys([*(table.get(kind) or []), *(words or [])]))}
    else:  # language-independent: ISO codes, symbols and digits only
        merged = _merge(merged, {"currency_prefix": english.get("currency_prefix") or {}})
    iso = {c: c for c in cldr.tender_currencies()} | (merged.get("iso_aliases") or {})
    always = common.get("always") or {}
    names = merged["currency_words"]
    # a word the language itself uses as a currency name ("ريال" is SAR in Arabic) is not read as another
    # country's symbol written the same way ("ریال" is the IRR symbol in Iran)
    marks = {k: v for k, v in merged["currency_prefix"].items() if names.get(word_key(k), v) == v}
    merged["currency_prefix"] = {**marks, **always}
    ambiguous = {word_key(str(k)): list(v) for k, v in (merged.get("ambiguous") or {}).items()}
    for name, codes in home_symbols().items():
        if len(codes) > 1 and name not in always:
            ambiguous.setdefault(word_key(str(name)), codes)
    return Lexicon(
        lang=code,
        locale=merged.get("locale", "en"),
        territory=merged.get("territory"),
        inflects=bool(registry().get(code, {}).get("inflects")),
        scale_first=bool(registry().get(code, {}).get("scale_first")),
        scales=_numbers(merged, "scales"),
        singular_scales=[w for w in merged.get("singular_scales") or [] if code != "en" or w != "billion"],
        currency_marks={**iso, **merged["currency_prefix"]},
        scaled_marks=frozenset(word_key(str(w)) for w in merged.get("scaled_marks") or []),
        prefix_words=merged.get("prefix_words") or {},
        currency_words=merged["currency_words"],
        name_prefixes=_prefixes(merged["currency_words"]),
        longest_name=max(map(len, merged["currency_words"]), default=0) + 5,  # and an inflectional ending
        currency_factors=_numbers(merged, "currency_factors"),
        ambiguous=ambiguous,
        iso_codes=frozenset(iso),
        cjk_units=_numbers(merged, "cjk_units"),
        number_words=_numbers(merged, "number_words"),
        qualifiers={k: v or [] for k, v in (merged.get("qualifiers") or {}).items()},
        qualifiers_after={k: v or [] for k, v in (merged.get("qualifiers_after") or {}).items()},
        year_words=merged.get("year_words") or {},
        non_money_nouns=merged.get("non_money_nouns") or [],
        qualifier_exceptions=[w.translate(ARABIC_FOLD) for w in merged.get("qualifier_exceptions") or []],
        determiners=merged.get("determiners") or [],
        range_connectors=merged.get("range_connectors") or [],
        range_between=_pairs(merged, "range_between"),
        currency_connectors=merged.get("currency_connectors") or [],
        scale_connectors=merged.get("scale_connectors") or [],
        months=merged.get("months") or {},
        quarters=merged.get("quarters") or {},
        current_period=merged.get("current_period") or [],
        year_comparison=merged.get("year_comparison") or [],
        year_horizon=merged.get("year_horizon") or [],
        conversion_connectors=merged.get("conversion_connectors") or [],
        numeric_month=merged.get("numeric_month") or "",
        era_year=merged.get("era_year") or "",
        era_offset=int(merged.get("era_offset") or 0),
        statement_cues=merged.get("statement_cues") or [],
        company_pronouns=merged.get("company_pronouns") or [],
        auxiliaries=merged.get("auxiliaries") or [],
        list_conjunctions=merged.get("list_conjunctions") or [],
        split_cues=_pairs(merged, "split_cues"),
        name_endings={k: sorted(v or [], key=len, reverse=True) for k, v in (merged.get("name_endings") or {}).items()},
        subject_particles=merged.get("subject_particles") or [],
    )


def _prefixes(words: Any) -> dict[str, bool]:
    prefixes = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), False)
    return prefixes | dict.fromkeys(words, True)


def _pairs(merged: dict[str, Any], key: str) -> list[list[str]]:
    """A list of word pairs ("between … and", a verb and its particle); any other entry is an overlay error."""
    pairs = merged.get(key) or []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(w, str) and w for w in pair)):
            raise LexiconError(f"{key}: {pair!r} should be a pair of words, such as [between, and]")
    return pairs


def _numbers(merged: dict[str, Any], key: str) -> dict[str, float]:
    """A table of numbers (scales, factors, number words); an entry that is not a number is an overlay error."""
    out = {}
    for word, value in (merged.get(key) or {}).items():
        if value is None:
            continue
        try:
            out[word] = float(value)
        except (TypeError, ValueError):
            raise LexiconError(f"{key}: {word!r} should be a number, not {value!r}") from None
    return out


@cache
def shared_table(name: str) -> dict[str, Any]:
    """A language-independent table (metrics.yaml, entities.yaml), extended by users' overlays."""
    table = shipped(name)
    for extra in user_overlays(name, overlay_dirs()):
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(table.get(key), dict):
                table[key] = {**table[key], **value}
            elif isinstance(value, list) and isinstance(table.get(key), list):
                table[key] = [*table[key], *value]
            else:
                table[key] = value
    return table


# The regex helpers below are shared by the grammar; kept here beside the words they compile.
LATIN_LETTER = "[A-Za-z\u00c0-\u024f]"


def _ends_latin(word: str) -> bool:
    return is_latin(word[-1]) and word[-1].isalnum()


def _trie(words: list[str], *, boundary: bool, ignore_case: bool = False) -> str:
    """A regex matching exactly `words`, factored by common prefixes so the engine tests each character once
    per position instead of once per word. Longer words are tried first ("Mrd." before "Mrd"), and a word
    that ends in a Latin letter or digit must end at a Latin-letter boundary when `boundary` is set."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {"latin": {}} if boundary and _ends_latin(word) else {}

    # the same test as (?![A-Za-z\u00c0-\u024f]), in two classes of at most two ranges each, which the re
    # compiler builds a quarter as fast (but not in a case-insensitive group, where both are folded into big tables)
    check = rf"(?!{LATIN_LETTER})" if ignore_case else r"(?![A-Za-z])(?![\u00c0-\u024f])"

    def either(branches: list[str]) -> str:
        if len(branches) == 1:
            return branches[0]
        if branches[-1] == "":  # a word may end here: the longer words are an optional tail
            return "(?:" + "|".join(branches[:-1]) + ")?"
        return "(?:" + "|".join(branches) + ")"

    # Branches in a row whose every word ends with the boundary check share one check after them
    # ("U(?:SD|AH)(?!…)", not one per word): the same matches, as a suffix distributes over an alternation, and
    # each check's character class costs the re compiler a 64K-entry table (a second a run, for ~300 ISO codes).
    def build(node: dict[str, dict]) -> tuple[str, bool]:
        """The node's pattern and whether every word end below needs the check, which is then left to the caller."""
        items = [(re.escape(ch) + tail, checked) for ch, child in sorted(node.items()) if ch
                 for tail, checked in [build(child)]]
        if "" in node:
            items.append(("", "latin" in node[""]))
        if all(checked for _, checked in items):
            return either([branch for branch, _ in items]), True
        branches: list[str] = []
        for checked, run in itertools.groupby(items, key=lambda item: item[1]):
            alike = [branch for branch, _ in run]
            branches += [either(alike) + check] if checked else alike
        return either(branches), False

    pattern, checked = build(root)
    return pattern + check if checked else pattern


def alternation(words: Any, *, ignore_case: bool = False, prefix: bool = False, endings: bool = False,
                start: bool = True) -> str:
    """A regex for any of `words` (longest match first); Latin-script words must start (and, unless `prefix`,
    end) at a Latin-letter boundary, so "KDDIの" and "Meta가" match but "Metaverse" does not. With `endings`,
    a word may carry an inflectional ending of up to five letters ("dolarů", "miljardin"); without `start`, it
    may follow a letter (a scale glued to a number word: "félmilliárd"). Compiled as
    prefix tries behind a first-character lookahead: these patterns scan every position of every article."""
    words = sorted({(w.casefold() if ignore_case else w).translate(ARABIC_FOLD) for w in words if w})
    if not words:
        return r"(?!x)x"
    groups = []
    for latin_start in (True, False):
        chosen = [w for w in words if (is_latin(w[0]) and w[0].isalnum()) == latin_start]
        if not chosen:
            continue
        first = "".join(sorted({re.escape(c) for w in chosen for c in {w[0], w[0].upper(), w[0].lower()}}))
        if endings:
            body = f"(?=[{first}])" + _trie(chosen, boundary=False) + r"[^\W\d_]{0,5}(?![^\W\d_])"
        else:
            body = f"(?=[{first}])" + _trie(chosen, boundary=not prefix, ignore_case=ignore_case)
        if ignore_case:
            body = f"(?i:{body})"
        groups.append((rf"(?<!{LATIN_LETTER})" if latin_start and start else "") + body)
    return "|".join(groups)
