"""Language detection on a bounded sample of the text. CLD2 (Chromium's compact detector, microseconds per
article) gives the verdict when it is reliable and names a registered language; otherwise the script decides
(a Hangul, Thai or Greek text has one candidate), then lingua among the registry's languages in that script."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import pycld2
from babel.core import get_global, parse_locale

from .registry import languages, normalize_lang, registry, shipped

SAMPLE_CHARS = 800  # the opening of an article says its language; the rest only costs time
CLD2_SAMPLE_CHARS = 2000  # CLD2 reads a longer sample for the same cost as lingua's few hundred characters
CLD2_MIN_CHARS = 200  # below this (a sentence, a headline) lingua, made for short text, decides
FRONT_MATTER = re.compile(  # YAML front matter at the top of an article
    r"\A---[ \t]*\r?\n.*?\n---[ \t]*\r?\n", re.DOTALL)
# CLDR script codes -> the characters that show them (Jpan: kana; Han is shared by Chinese and Japanese)
SCRIPTS = {
    "Latn": "A-Za-z\u00c0-\u024f", "Cyrl": "\u0400-\u04ff", "Arab": "\u0600-\u06ff\u0750-\u077f",
    "Hebr": "\u0590-\u05ff", "Grek": "\u0370-\u03ff", "Deva": "\u0900-\u097f", "Beng": "\u0980-\u09ff",
    "Taml": "\u0b80-\u0bff", "Thai": "\u0e00-\u0e7f", "Kore": "\uac00-\ud7af\u1100-\u11ff",
    "Jpan": "\u3040-\u30ff", "Hans": "\u4e00-\u9fff", "Armn": "\u0530-\u058f", "Geor": "\u10a0-\u10ff",
    "Guru": "\u0a00-\u0a7f", "Gujr": "\u0a80-\u0aff", "Telu": "\u0c00-\u0c7f", "Knda": "\u0c80-\u0cff",
    "Mlym": "\u0d00-\u0d7f",
}
_SCRIPT_RE = {name: re.compile(f"[{chars}]") for name, chars in SCRIPTS.items()}
OTHER_SCRIPT_SHARE = 0.2  # a non-Latin script this share of the letters is the text's own (names are Latin)


@cache
def _scripts() -> dict[str, list[str]]:
    """CLDR script -> registered languages written in it (zh-Hant under Hans: one Han detector)."""
    out: dict[str, list[str]] = {}
    likely = get_global("likely_subtags")
    for code, spec in registry().items():
        language, _territory, script, *_ = parse_locale(spec.get("locale", code))
        script = script or parse_locale(likely.get(language, "und_Latn"))[2] or "Latn"
        out.setdefault({"Hant": "Hans"}.get(script, script), []).append(code)
    return out


@cache
def _detector(script: str | None = None) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    known = {language.iso_code_639_1.name: language for language in Language.all()}
    codes = _scripts().get(script, []) if script else list(registry())
    wanted = []
    for code in codes:
        for tag in (code, *(registry()[code].get("aliases") or [])):
            language = known.get(str(tag).split("-")[0].upper())
            if language is not None and language not in wanted:
                wanted.append(language)
    if len(wanted) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()


def _script_of(sample: str) -> str:
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_RE.items()}
    if counts["Jpan"]:
        counts["Jpan"] += counts["Hans"]  # kana among Han characters: Japanese
    letters = sum(counts.values()) or 1
    others = max((n, name) for name, n in counts.items() if name != "Latn")
    return others[1] if others[0] >= OTHER_SCRIPT_SHARE * letters else "Latn"


@cache
def _script_variants() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Registered languages that differ from another by script (zh / zh-Hant): code -> [(variant, markers)],
    from the `script_markers` of their overlays (characters written only in that variant), each as one
    character class: counted in one pass over a sample, not one pass per character."""
    variants: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for code in languages():
        markers = shipped(code).get("script_markers")
        if markers:
            base = normalize_lang(code.split("-")[0]) or code
            chars = "".join(map(re.escape, sorted(set("".join(markers)))))
            variants.setdefault(base, []).append((code, re.compile(f"[{chars}]")))
    return variants


def detect_language(text: str) -> str | None:
    """The registered language code of the text's main language, or None."""
    # front matter is metadata, not the article's language; the body is read as samples (no copy of it whole)
    head = FRONT_MATTER.match(text, 0, 70000)
    start = head.end() if head else 0
    if len(text) - start >= CLD2_MIN_CHARS and (found := _cld2(text[start:start + CLD2_SAMPLE_CHARS])) is not None:
        return script_variant(found, text[start:start + SAMPLE_CHARS])
    sample = text[start:start + SAMPLE_CHARS]
    script = _script_of(sample)
    candidates = _scripts().get(script, [])
    detector = _detector(script)
    if detector is None:
        return script_variant(candidates[0], sample) if candidates else None
    found = detector.detect_language_of(sample)
    return script_variant(normalize_lang(found.iso_code_639_1.name.lower()), sample) if found else None


def _cld2(sample: str) -> str | None:
    """CLD2's verdict as a registered code, only when it calls it reliable."""
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:  # text CLD2 cannot take (lone surrogates): lingua decides
        return None
    return _registered(details[0][1]) if reliable else None


@lru_cache(maxsize=4096)
def _registered(tag: str) -> str | None:
    """normalize_lang, kept per tag like the other tables here until reload_lexicons: reading an article
    asked it three times (reading the overlay setting from the environment each time)."""
    return normalize_lang(tag)


def script_variant(code: str | None, text: str) -> str | None:
    """The variant of a language its script shows ("zh" written in Traditional characters is zh-Hant), so a
    sidecar's plain "zh" still gets Taiwan's reading of 元."""
    base = _registered(str(code).split("-")[0]) if code else None
    if base not in _script_variants():
        return code
    sample = text[:SAMPLE_CHARS]
    variants = _script_variants()[base]
    if len(variants) == 1:  # one variant: whether it shows, not how often (no count)
        variant, markers = variants[0]
        return variant if markers.search(sample) else code
    counts = [(len(markers.findall(sample)), variant) for variant, markers in variants]
    best = max(counts)
    return best[1] if best[0] else code
