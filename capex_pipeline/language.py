"""Language detection (lingua) restricted to the languages the extractor reads."""

from __future__ import annotations

from functools import cache
from typing import Any

from .extract.lexicon import normalize_lang


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [Language.ENGLISH, Language.GERMAN, Language.BOKMAL, Language.NYNORSK, Language.DANISH,
             Language.SWEDISH, Language.FRENCH, Language.SPANISH, Language.KOREAN, Language.CHINESE,
             Language.JAPANESE]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's main language among the supported ones, or None."""
    found = _detector().detect_language_of(text[:4000])
    return normalize_lang(found.iso_code_639_1.name.lower()) if found else None
