"""Money-claim extraction: numbers, scale words, currencies, qualifiers, years, metric, company, source and
the article's own stated conversions, driven by per-language lexicons (YAML under `lexicons/`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .extractor import Mention, extract

if TYPE_CHECKING:
    from ..articles import Article

__all__ = ["Mention", "extract", "extract_article", "reload_lexicons"]


def reload_lexicons() -> None:
    """Forget compiled lexicons, so a changed $CAPEX_LEXICONS overlay takes effect in this process."""
    from . import grammar, language, lexicon, registry

    for fn in (registry._registry, registry._aliases, lexicon.lexicon, lexicon.shared_table, grammar.grammar,
               language._detector, language._script_variants):
        fn.cache_clear()


def extract_article(article: Article) -> list[Mention]:
    return extract(article.text, doc=article.doc, lang=article.lang, published=article.published)
