"""Find every monetary amount in an article and attach what an analyst needs to trust it."""

from __future__ import annotations

from datetime import date

from .amounts import find_amounts, resolve_ambiguous, resolve_bare
from .context import body_start, enrich
from .conversions import pair_conversions
from .figures import consolidate
from .grammar import grammar
from .mention import Mention
from .numbers import fold_text
from .spans import Spans


def extract(text: str, *, doc: str = "", lang: str | None = "en", published: date | None = None) -> list[Mention]:
    """Every monetary mention in `text`, in order, with text[start:end] == quote."""
    g = grammar(lang or "en")
    norm = fold_text(text)
    spans = Spans(norm, g.abbreviations)
    words = g.keywords.scan(norm)
    found = find_amounts(text, norm, doc, g, spans, words)
    resolve_ambiguous(norm, found, g)
    mentions = resolve_bare(norm, found, g, spans)
    if not mentions:
        return mentions
    pair_conversions(norm, mentions, g)
    enrich(norm, mentions, g, spans, published, words)
    consolidate(mentions, body_start(norm))
    return mentions
