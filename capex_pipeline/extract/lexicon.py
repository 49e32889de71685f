"""Per-language lexicons (YAML data files) merged and compiled into regular expressions, once per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: lexicons load 10x faster

SUPPORTED_LANGS = ("en", "de", "no", "da", "sv", "fr", "es", "ko", "zh", "ja")
LANG_ALIASES = {"kr": "ko", "nb": "no", "nn": "no", "cn": "zh", "jp": "ja", "se": "sv", "dk": "da",
                "zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh", "zh-hant": "zh"}
QUALIFIER_STRENGTH = {"exact": 0, "approx": 1, "min": 2, "max": 2}


def normalize_lang(lang: str | None) -> str | None:
    """Map a language tag ('kr', 'nb', 'zh-CN', 'en-US') to a supported code, or None if unsupported."""
    if not lang:
        return None
    tag = str(lang).strip().lower().replace("_", "-")
    tag = LANG_ALIASES.get(tag, tag)
    tag = LANG_ALIASES.get(tag.split("-")[0], tag.split("-")[0])
    return tag if tag in SUPPORTED_LANGS else None


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"lexicons/{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER) or {}


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


LATIN_LETTER = "[A-Za-z\u00c0-\u024f]"


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f"


def _ends_latin(word: str) -> bool:
    return _is_latin(word[-1]) and word[-1].isalnum()


def _trie(words: list[str], *, boundary: bool) -> str:
    """A regex matching exactly `words`, factored by common prefixes so the engine tests each character once
    per position instead of once per word. Longer words are tried first ("Mrd." before "Mrd"), and a word
    that ends in a Latin letter or digit must end at a Latin-letter boundary when `boundary` is set."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {"latin": {}} if boundary and _ends_latin(word) else {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append(rf"(?!{LATIN_LETTER})" if "latin" in node[""] else "")
        if len(branches) == 1:
            return branches[0]
        if branches[-1] == "":  # a word may end here: the longer words are an optional tail
            return "(?:" + "|".join(branches[:-1]) + ")?"
        return "(?:" + "|".join(branches) + ")"

    return build(root)


def alternation(words: Any, *, ignore_case: bool = False, prefix: bool = False) -> str:
    """A regex for any of `words` (longest match first); Latin-script words must start (and, unless `prefix`,
    end) at a Latin-letter boundary, so "KDDIの" and "Meta가" match but "Metaverse" does not. Compiled as
    prefix tries behind a first-character lookahead: these patterns scan every position of every article."""
    words = sorted({w.casefold() if ignore_case else w for w in words if w})
    if not words:
        return r"(?!x)x"
    groups = []
    for latin_start in (True, False):
        chosen = [w for w in words if (_is_latin(w[0]) and w[0].isalnum()) == latin_start]
        if not chosen:
            continue
        first = "".join(sorted({re.escape(c) for w in chosen for c in {w[0], w[0].upper(), w[0].lower()}}))
        body = f"(?=[{first}])" + _trie(chosen, boundary=not prefix)
        if ignore_case:
            body = f"(?i:{body})"
        groups.append((rf"(?<!{LATIN_LETTER})" if latin_start else "") + body)
    return "|".join(groups)


@dataclass(frozen=True)
class Lexicon:
    lang: str
    locale: str
    scales: dict[str, float]
    currency_prefix: dict[str, str]
    currency_words: dict[str, str]
    cjk_units: dict[str, float]
    number_words: dict[str, float]
    qualifiers: dict[str, list[str]]
    qualifiers_after: dict[str, list[str]]
    year_words: dict[str, int]
    non_money_nouns: list[str]
    range_connectors: list[str]
    range_between: list[list[str]]
    currency_connectors: list[str]
    months: dict[str, int]
    current_period: list[str]
    year_comparison: list[str]
    numeric_month: str
    statement_cues: list[str]
    company_pronouns: list[str]

    def scale_of(self, word: str) -> float:
        return self.scales.get(word) or self.scales[_casefold_key(self.scales, word)]

    def currency_of_word(self, word: str) -> str:
        return self.currency_words.get(word) or self.currency_words[_casefold_key(self.currency_words, word)]


def _casefold_key(table: dict[str, Any], word: str) -> str:
    folded = word.casefold()
    for key in table:
        if key.casefold() == folded:
            return key
    raise KeyError(word)


@cache
def lexicon(lang: str) -> Lexicon:
    """The merged lexicon of a language: common <- English <- (parent) <- the language itself."""
    lang = normalize_lang(lang) or "en"
    chain: list[dict[str, Any]] = []
    name: str | None = lang
    while name:
        data = _load(name)
        chain.append(data)
        name = data.get("extends")
    merged = _load("common")
    if lang != "en":
        english = {k: v for k, v in _load("en").items() if k not in ("qualifiers", "number_words", "locale")}
        # statement cues are language-specific: an English cue must not leak into, say, French text
        english["statement_cues"] = english["company_pronouns"] = []
        merged = _merge(merged, english)
    for data in reversed(chain):
        merged = _merge(merged, data)
    if lang != "en":  # articles quote English ("over 150 billion yuan"): its qualifiers count everywhere
        for key in ("qualifiers", "qualifiers_after"):
            for kind, words in (_load("en").get(key) or {}).items():
                merged.setdefault(key, {})[kind] = [*(merged[key].get(kind) or []), *(words or [])]
    iso = {code: merged["iso_aliases"].get(code, code) for code in merged["iso_codes"]}
    return Lexicon(
        lang=lang,
        locale=merged.get("locale", lang),
        scales={k: float(v) for k, v in merged["scales"].items()},
        currency_prefix={**iso, **merged["currency_prefix"]},
        currency_words={**iso, **merged["currency_words"]},
        cjk_units={k: float(v) for k, v in merged["cjk_units"].items()},
        number_words={k: float(v) for k, v in (merged.get("number_words") or {}).items() if v is not None},
        qualifiers={k: v or [] for k, v in (merged.get("qualifiers") or {}).items()},
        qualifiers_after={k: v or [] for k, v in (merged.get("qualifiers_after") or {}).items()},
        year_words=merged.get("year_words") or {},
        non_money_nouns=merged.get("non_money_nouns") or [],
        range_connectors=merged.get("range_connectors") or [],
        range_between=merged.get("range_between") or [],
        currency_connectors=merged.get("currency_connectors") or [],
        months=merged.get("months") or {},
        current_period=merged.get("current_period") or [],
        year_comparison=merged.get("year_comparison") or [],
        numeric_month=merged["numeric_month"],
        statement_cues=merged.get("statement_cues") or [],
        company_pronouns=merged.get("company_pronouns") or [],
    )


@cache
def shared_table(name: str) -> dict[str, Any]:
    """A language-independent table: metrics.yaml or entities.yaml."""
    return _load(name)
