"""Find every monetary amount in an article and attach what an analyst needs to trust it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from .amounts import find_amounts, resolve_ambiguous, resolve_bare
from .context import body_start, enrich
from .conversions import pair_conversions
from .figures import consolidate
from .grammar import grammar
from .mention import Mention
from .numbers import fold_digits
from .spans import Spans

if TYPE_CHECKING:
    from ..articles import Article

# A window of articles is extracted grouped by language, then given back in order: up to this many articles
# or characters of text, so a window of large files stays bounded in memory.
WINDOW_ARTICLES = 1024
WINDOW_CHARS = 8_000_000


def extract(text: str, *, doc: str = "", lang: str | None = "en", published: date | None = None) -> list[Mention]:
    """Every monetary mention in `text`, in order, with text[start:end] == quote."""
    g = grammar(lang or "en")
    norm, digits = fold_digits(text)
    spans = Spans(norm, g.abbreviations)
    words = g.keywords.scan(norm)
    found = find_amounts(text, norm, doc, g, spans, words, digits)
    resolve_ambiguous(norm, found, g)
    mentions = resolve_bare(norm, found, g, spans)
    if not mentions:
        return mentions
    pair_conversions(norm, mentions, g)
    enrich(norm, mentions, g, spans, published, words)
    consolidate(mentions, body_start(norm))
    return mentions


def extract_article(article: Article) -> list[Mention]:
    return extract(article.text, doc=article.doc, lang=article.lang, published=article.published)


def extract_grouped(articles: Sequence[Article]) -> list[list[Mention]]:
    """Each article's mentions, in the articles' order, extracted one language after another: a grammar's
    patterns and automata stay in the CPU's caches across its articles instead of being evicted by the next
    article's language (measured 1.3x on corpora mixing 31 languages; nothing to gain in one language)."""
    out: list[list[Mention]] = [[] for _ in articles]
    for i in sorted(range(len(articles)), key=lambda i: articles[i].lang or ""):
        out[i] = extract_article(articles[i])
    return out


def extract_stream(articles: Iterable[Article]) -> Iterator[tuple[Article, list[Mention]]]:
    """(article, its mentions) in the order the articles come, extracted a bounded window at a time by
    `extract_grouped`."""
    window: list[Article] = []
    chars = 0
    for article in articles:
        window.append(article)
        chars += len(article.text)
        if len(window) >= WINDOW_ARTICLES or chars >= WINDOW_CHARS:
            yield from zip(window, extract_grouped(window), strict=True)
            window, chars = [], 0
    yield from zip(window, extract_grouped(window), strict=True)
