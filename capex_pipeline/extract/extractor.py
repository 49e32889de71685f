"""Find every monetary amount in an article and attach what an analyst needs to trust it."""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .grammar import Grammar, grammar
from .lexicon import QUALIFIER_STRENGTH
from .numbers import parse_cjk, parse_digits

_SENTENCE_END = re.compile(r"[.!?](?=[\s\u00a0]|$)|[。！？]|\n")
_PARAGRAPH_END = re.compile(r"\n")
_CLOSE_PAREN = re.compile(r"^[\s\u00a0]*[)）]")
_METRIC_PRIORITY = ("capex", "ai_chips", "ai_infrastructure", "other")
MAX_SCAN_DISTANCE = 160  # characters: beyond this a keyword says nothing about the amount


@dataclass
class Mention:
    """One monetary mention: the exact quote, its offsets and the fields derived from its context."""

    doc: str
    quote: str
    start: int
    end: int
    value: float
    currency: str | None
    qualifier: str = "exact"
    year: int | None = None
    metric: str = "other"
    company: str | None = None
    source: str | None = None
    usd_stated: float | None = None
    lang: str = "en"
    amount_id: int = 0
    scale: float = field(default=1.0, repr=False)
    partner: int | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        del out["scale"], out["partner"]
        return out


class _Spans:
    """Sentence and paragraph index of any offset, by binary search over boundary positions."""

    def __init__(self, text: str) -> None:
        self.sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        self.paragraph_ends = [m.end() for m in _PARAGRAPH_END.finditer(text)]

    def sentence(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_ends, pos)

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.paragraph_ends, pos)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    label: str


def _hits(pattern: re.Pattern[str], text: str, label_of: dict[str, str]) -> list[_Hit]:
    return [_Hit(m.start(), m.end(), label_of.get(m.group().casefold(), m.group())) for m in pattern.finditer(text)]


def _nearest(hits: list[_Hit], m: Mention, spans: _Spans, *, same: str = "sentence") -> _Hit | None:
    """The hit closest to the mention in the same sentence (or paragraph); ties go to the one before."""
    where = spans.sentence if same == "sentence" else spans.paragraph
    unit = where(m.start)
    best: tuple[int, int] | None = None
    chosen = None
    for hit in hits:
        if where(hit.start) != unit or (m.start <= hit.start < m.end):
            continue
        gap = m.start - hit.end if hit.end <= m.start else hit.start - m.end
        key = (gap, 0 if hit.end <= m.start else 1)
        if gap <= MAX_SCAN_DISTANCE * (1 if same == "sentence" else 4) and (best is None or key < best):
            best, chosen = key, hit
    return chosen


def _read_amount(g: Grammar, match: re.Match[str]) -> tuple[float, str | None, float]:
    lex = g.lex
    if match["word"]:
        value = lex.number_words[next(k for k in lex.number_words if k.casefold() == match["word"].casefold())]
    elif match["cjk"]:
        value = parse_cjk(match["num"] + match["cjk"], lex.cjk_units, lex.locale)
    else:
        value = parse_digits(match["num"], lex.locale)
    scale = lex.scale_of(match["scale"]) if match["scale"] else 1.0
    currency = None
    if match["post"]:
        currency = lex.currency_of_word(match["post"])
    if match["pre"]:
        currency = lex.currency_prefix[match["pre"]]
    if match["cjk"] and any(lex.cjk_units.get(u, 0) >= 1e4 for u in match["cjk"]):
        scale = max(scale, 1e4)  # the positional units already scaled the value; mark it as scaled
        return value * (lex.scale_of(match["scale"]) if match["scale"] else 1.0), currency, scale
    return value * scale, currency, scale


def _find_amounts(text: str, doc: str, g: Grammar) -> list[Mention]:
    found = []
    for match in g.amount.finditer(text):
        if not (match["pre"] or match["scale"] or match["post"] or match["cjk"]):
            continue
        try:
            value, currency, scale = _read_amount(g, match)
        except (ValueError, KeyError, ArithmeticError):
            continue  # malformed number such as "1.2.3": not an amount we can state
        if not math.isfinite(value) or value <= 0:
            continue
        if currency is None and scale == 1.0:
            continue
        found.append(Mention(doc=doc, quote=match.group(), start=match.start(), end=match.end(), value=value,
                             currency=currency, lang=g.lex.lang, scale=scale))
    return found


def _resolve_bare(text: str, mentions: list[Mention], g: Grammar, spans: _Spans) -> list[Mention]:
    """Give a currency to amounts written without one, from a range partner, the same figure elsewhere in the
    article, or an earlier amount in the same sentence ("20 milliards d'euros, dont 15 milliards");
    amounts that stay without a currency are not money (tokens, users) and are dropped."""
    for a, b in itertools.pairwise(mentions):
        if b.currency and a.currency in (None, b.currency) and g.range_gap.match(text[a.end:b.start]):
            a.currency = b.currency
            if a.scale == 1.0 and b.scale != 1.0:  # "$30 to $70 billion"
                a.value, a.scale = a.value * b.scale, b.scale
            a.qualifier, b.qualifier = "min", "max"
    known = {(round(m.value, 6)): m.currency for m in mentions if m.currency}
    kept = []
    for i, m in enumerate(mentions):
        if m.currency is None:
            if g.non_money_after.match(text[m.end:m.end + 24]):
                continue
            m.currency = known.get(round(m.value, 6))
            if m.currency is None:
                sentence = spans.sentence(m.start)
                earlier = [p for p in mentions[:i] if p.currency and spans.sentence(p.start) == sentence]
                if earlier:
                    m.currency = earlier[-1].currency
        if m.currency:
            kept.append(m)
    return kept


def _pair_conversions(text: str, mentions: list[Mention], g: Grammar) -> None:
    """'150 billion yuan ($20.64 billion)': the article's own USD figure for a non-USD amount."""
    for i, (a, b) in enumerate(itertools.pairwise(mentions)):
        if not g.conversion_gap.match(text[a.end:b.start]) or not _CLOSE_PAREN.match(text[b.end:b.end + 8]):
            continue
        a.partner, b.partner = i + 1, i
        if a.currency == "USD" and b.currency != "USD":
            b.usd_stated = a.value
        elif b.currency == "USD" and a.currency != "USD":
            a.usd_stated = b.value


def _qualify(text: str, m: Mention, g: Grammar) -> None:
    found: list[str] = []
    before = g.qualifier_before.search(text[max(0, m.start - 40):m.start])
    if before:
        found += [g.qualifier_kind.get(f"before:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(before.group())]
    after = g.qualifier_after.match(text[m.end:m.end + 16])
    if after:
        found += [g.qualifier_kind.get(f"after:{w.group().casefold()}", "") for w in
                  g.qualifier_word.finditer(after.group())]
    for q in found:
        if q and QUALIFIER_STRENGTH[q] > QUALIFIER_STRENGTH[m.qualifier]:
            m.qualifier = q


def _year_of(hit: re.Match[str], published: date | None, g: Grammar) -> int | None:
    if hit["abs"]:
        return int(hit["abs"])
    if published is None:
        return None
    offset = next(v for k, v in g.lex.year_words.items() if k.casefold() == hit["rel"].casefold())
    return published.year + int(offset)


def _enrich(text: str, mentions: list[Mention], g: Grammar, spans: _Spans, published: date | None) -> None:
    money = [(m.start, m.end) for m in mentions]
    years = [_Hit(h.start(), h.end(), str(y)) for h in g.years.finditer(text)
             if not any(s <= h.start() < e for s, e in money) and (y := _year_of(h, published, g)) is not None]
    metrics = _hits(g.metrics, text, g.metric_of)
    companies = _hits(g.companies, text, g.company_of)
    spenders = [h for h in companies if h.label.casefold() not in g.suppliers]
    sources = _hits(g.sources, text, g.source_of)
    cues = _hits(g.statement_cue, text, {})
    top_company = Counter(h.label for h in spenders).most_common(1)
    for m in mentions:
        _qualify(text, m, g)
        if hit := _nearest(years, m, spans):
            m.year = int(hit.label)
        if hit := _nearest(metrics, m, spans):
            m.metric = hit.label
        hit = _nearest(spenders, m, spans) or _nearest(spenders, m, spans, same="paragraph")
        m.company = hit.label if hit else (top_company[0][0] if top_company else None)
        hit = _nearest(sources, m, spans) or _nearest(sources, m, spans, same="paragraph")
        if hit:
            m.source = hit.label
        elif m.company and _nearest(cues, m, spans):
            m.source = "company statement"


def _same_amount(a: Mention, b: Mention) -> bool:
    """Equal within 0.5%, or one is the other rounded for a headline (3.5兆 for 3.52兆)."""
    if a.currency != b.currency:
        return False
    if math.isclose(a.value, b.value, rel_tol=0.005):
        return True
    lo, hi = sorted((a.value, b.value))
    digits = len(f"{lo:.15g}".rstrip("0").replace(".", "").lstrip("0"))
    return digits >= 2 and math.isclose(float(f"{hi:.{digits}g}"), lo, rel_tol=1e-9)


def _consolidate(mentions: list[Mention]) -> None:
    """All quotes of one amount share its fields: strongest qualifier, most common year/metric/company/source."""
    groups: list[list[Mention]] = []
    for m in mentions:
        group = next((g for g in groups if _same_amount(g[0], m)), None)
        if group is None:
            groups.append([m])
        else:
            group.append(m)
    for gid, group in enumerate(groups):
        qualifier = max((m.qualifier for m in group), key=lambda q: QUALIFIER_STRENGTH[q])
        year = _mode(m.year for m in group)
        metrics = [m.metric for m in group if m.metric != "other"]
        metric = min(Counter(metrics).most_common(), key=lambda mc: (-mc[1], _METRIC_PRIORITY.index(mc[0])))[0] \
            if metrics else "other"
        company = _mode(m.company for m in group)
        source = _mode(m.source for m in group)
        usd_stated = next((m.usd_stated for m in group if m.usd_stated is not None), None)
        for m in group:
            m.amount_id, m.qualifier, m.year, m.metric = gid, qualifier, year, metric
            m.company, m.source, m.usd_stated = company, source, usd_stated
    for m in mentions:  # a stated conversion describes the same spending as its partner
        if m.partner is not None:
            p = mentions[m.partner]
            m.year = m.year if m.year is not None else p.year
            m.metric = m.metric if m.metric != "other" else p.metric
            m.company, m.source = m.company or p.company, m.source or p.source


def _mode(values: Any) -> Any:
    counts = Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


def extract(text: str, *, doc: str = "", lang: str | None = "en", published: date | None = None) -> list[Mention]:
    """Every monetary mention in `text`, in order, with text[start:end] == quote."""
    g = grammar(lang or "en")
    spans = _Spans(text)
    mentions = _resolve_bare(text, _find_amounts(text, doc, g), g, spans)
    _pair_conversions(text, mentions, g)
    _enrich(text, mentions, g, spans, published)
    _consolidate(mentions)
    return mentions
