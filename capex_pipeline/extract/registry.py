"""The one registry of languages: `lexicons/languages.yaml` plus any language a user's overlay folder adds.
Extraction, language detection, the GX value set for `lang`, `capex --help` and the docs all read it here."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: lexicons load 10x faster
OVERLAY_ENV = "CAPEX_LEXICONS"
UNDETERMINED = "und"  # ISO 639-2 "undetermined": read with the rules that need no language


class LexiconError(ValueError):
    """A lexicon or overlay file that cannot be used as it is; the message names the file or the entry."""


def overlay_dirs() -> tuple[Path, ...]:
    """Users' overlay folders, from $CAPEX_LEXICONS (os.pathsep-separated), read after the shipped data."""
    raw = os.environ.get(OVERLAY_ENV, "")
    return tuple(Path(p) for p in raw.split(os.pathsep) if p)


def load_yaml(text: str) -> dict[str, Any]:
    return yaml.load(text, Loader=_LOADER) or {}


def shipped(name: str) -> dict[str, Any]:
    """A data file of the package, {} when absent."""
    path = resources.files(__package__).joinpath(f"lexicons/{name}.yaml")
    return load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}


def user_overlays(name: str, dirs: tuple[Path, ...]) -> list[dict[str, Any]]:
    """The users' overlays for `name`, each a mapping of tables (a list or a bare word is refused by name)."""
    found = []
    for path in (d / f"{name}.yaml" for d in dirs):
        if path.is_file():
            try:
                data = load_yaml(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise LexiconError(f"{path}: not readable YAML ({str(exc).splitlines()[0]})") from None
            if not isinstance(data, dict):
                raise LexiconError(f"{path}: an overlay is a mapping of tables (scales:, currency_words:, ...)")
            found.append(data)
    return found


@cache
def _registry(dirs: tuple[Path, ...]) -> dict[str, dict[str, Any]]:
    languages = {str(code): dict(spec or {}) for code, spec in shipped("languages").items()}
    for d in dirs:  # a user's <code>.yaml with a `locale:` adds a language
        for path in sorted(d.glob("*.yaml")):
            [data] = user_overlays(path.stem, (d,))
            if path.stem not in languages and isinstance(data, dict) and data.get("locale"):
                languages[path.stem] = {"locale": data["locale"], "aliases": data.get("aliases") or [],
                                        "inflects": bool(data.get("inflects"))}
    return languages


def registry() -> dict[str, dict[str, Any]]:
    """Language code -> {locale, aliases, inflects}, shipped languages first."""
    return _registry(overlay_dirs())


def languages() -> list[str]:
    return list(registry())


@cache
def _aliases(dirs: tuple[Path, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, spec in _registry(dirs).items():
        for tag in (code, spec.get("locale", code), *(spec.get("aliases") or [])):
            table.setdefault(str(tag).lower().replace("_", "-"), code)
    return table


def normalize_lang(lang: str | None) -> str | None:
    """Map a language tag ('kr', 'nb', 'zh-TW', 'en-US', 'pt_BR') to a registered code, or None."""
    if not lang:
        return None
    aliases = _aliases(overlay_dirs())
    tag = str(lang).strip().lower().replace("_", "-")
    while tag:
        if tag in aliases:
            return aliases[tag]
        tag = tag.rpartition("-")[0]
    return None
