"""Money-claim extraction: numbers, scale words, currencies, qualifiers, years, metric, company, source and
the article's own stated conversions, driven by per-language lexicons (YAML under `lexicons/`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .extractor import Mention, extract

if TYPE_CHECKING:
    from ..articles import Article

__all__ = ["Mention", "extract", "extract_article"]


def extract_article(article: Article) -> list[Mention]:
    return extract(article.text, doc=article.doc, lang=article.lang, published=article.published)
