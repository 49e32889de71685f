"""Language detection (lingua) over the registry's languages, on a bounded sample of the text."""

from __future__ import annotations

from functools import cache
from typing import Any

from .registry import languages, normalize_lang, registry, shipped

SAMPLE_CHARS = 4000  # the opening of an article says its language; the rest only costs time


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    known = {language.iso_code_639_1.name: language for language in Language.all()}
    wanted = []
    for code, spec in registry().items():
        for tag in (code, *(spec.get("aliases") or [])):
            language = known.get(str(tag).split("-")[0].upper())
            if language is not None and language not in wanted:
                wanted.append(language)
    return LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()


@cache
def _script_variants() -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Registered languages that differ from another by script (zh / zh-Hant): code -> [(variant, markers)],
    from the `script_markers` of their overlays (characters written only in that variant)."""
    variants: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for code in languages():
        markers = shipped(code).get("script_markers")
        if markers:
            base = normalize_lang(code.split("-")[0]) or code
            variants.setdefault(base, []).append((code, frozenset(markers)))
    return variants


def detect_language(text: str) -> str | None:
    """The registered language code of the text's main language, or None."""
    sample = text[:SAMPLE_CHARS]
    found = _detector().detect_language_of(sample)
    return script_variant(normalize_lang(found.iso_code_639_1.name.lower()), sample) if found else None


def script_variant(code: str | None, text: str) -> str | None:
    """The variant of a language its script shows ("zh" written in Traditional characters is zh-Hant), so a
    sidecar's plain "zh" still gets Taiwan's reading of 元."""
    base = normalize_lang(str(code).split("-")[0]) if code else None
    if base not in _script_variants():
        return code
    sample = text[:SAMPLE_CHARS]
    counts = [(sum(sample.count(ch) for ch in markers), variant) for variant, markers in _script_variants()[base]]
    best = max(counts)
    return best[1] if best[0] else code
