"""Money-claim extraction: numbers, scale words, currencies, qualifiers, years, metric, company, source and
the article's own stated conversions, driven by per-language lexicons (YAML under `lexicons/`)."""

from __future__ import annotations

from .. import native

__path__ = native.search_path(__path__)  # the compiled modules, when built from these sources

from .extractor import extract, extract_article, extract_grouped, extract_stream
from .mention import Mention

__all__ = ["Mention", "extract", "extract_article", "extract_grouped", "extract_stream", "extractor_fingerprint",
           "reload_lexicons"]


def extractor_fingerprint() -> str:
    """A hash of what extraction depends on besides the article: this package's code and data files and the
    user's overlay files. Claims kept from an earlier run are reused only while it is unchanged."""
    import hashlib
    from pathlib import Path

    from .registry import overlay_dirs

    digest = hashlib.sha256()
    here = Path(__file__).parent
    files = sorted(p for p in here.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts)
    files += sorted(p for d in overlay_dirs() if d.is_dir() for p in d.glob("*.yaml"))
    for path in files:
        digest.update(str(path.relative_to(here) if path.is_relative_to(here) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reload_lexicons() -> None:
    """Forget compiled lexicons, so a changed $CAPEX_LEXICONS overlay takes effect in this process."""
    from . import grammar, language, lexicon, registry

    for fn in (registry._registry, registry._aliases, lexicon.lexicon, lexicon.shared_table, grammar.grammar,
               language._detector, language._script_variants, language._scripts, language._registered):
        fn.cache_clear()
