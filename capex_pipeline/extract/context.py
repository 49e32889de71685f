"""What an analyst needs around each amount: year, qualifier, metric, spender and source."""

from __future__ import annotations

import bisect
import re
from datetime import date

from .conversions import after_aside, qualify
from .grammar import Grammar
from .language import FRONT_MATTER
from .mention import PRONOUN, PUBLIC, STATEMENT, Mention
from .parties import bounds, discovered_companies, pronoun_company, statement_cues, table, window_words
from .spans import MAX_SCAN_DISTANCE, Hit, Hits, Spans, keyword_hits, nearest
from .wordkeys import fold
from .years import year_expressions, year_of

TITLE_MAX_CHARS = 100


def _by_count(labels: list[str]) -> list[tuple[str, int]]:
    """Labels with how often they occur, most first, ties in order of first occurrence (Counter.most_common,
    without its overhead on a few labels)."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda item: item[1], reverse=True)


class _Keywords:
    """A table of metric keywords, and apart those that name a metric (not "other"): a named one is looked up
    first, with no filter called per hit."""

    __slots__ = ("every", "named")

    def __init__(self, hits: list[Hit]) -> None:
        self.every = table(hits)
        self.named = table([h for h in hits if h.label != "other"])


# A parenthesis after an amount ("3800亿元(约合701亿新元)"), or the rest of the one it stands in.
_PHRASE_PAREN = re.compile(r"[ \u00a0]*[(（][^()（）\n]{0,40}[)）]|[^()（）\n]{0,12}[)）]")
_CONVERSION_PAREN = re.compile(r"[ \u00a0]*[(（][^()（）\n]{0,40}[)）]")
# Where a clause ends: punctuation that sets clauses apart (a comma between digits is a decimal one).
_MARK = r"[;:()，、；：（）–—]|,(?!\d)"
_CLAUSE_MARK = re.compile(_MARK)
_LAST_CLAUSE_MARK = re.compile(rf"(?s:.*)(?:{_MARK})")  # the last one: found back from the end, one match


def _clause(text: str, m: Mention, lo: int, hi: int) -> tuple[int, int]:
    """The amount's own clause: from the clause mark before it to the one after it, inside [lo, hi) (its sentence
    within MAX_SCAN_DISTANCE)."""
    before = _LAST_CLAUSE_MARK.match(text, lo, m.start)
    # its stated conversion is part of the phrase: "€3 million (75 million crowns) for libraries"
    paren = _CONVERSION_PAREN.match(text, m.end, hi)
    after = _CLAUSE_MARK.search(text, paren.end() if paren else m.end, hi)
    return (before.end() if before else lo), (after.start() if after else hi)


def _clause_metric(text: str, m: Mention, strong: Hits, spans: Spans) -> Hit | None:
    """The keyword nearest the amount in its own clause, whatever it names: "the market could reach $1
    billion", "raise GDP by €5 billion", "annual taxes of ¥360 million" are not the data centre the sentence
    is about."""
    if not strong.starts:
        return None
    lo, hi = bounds(spans, m.start, len(text))
    lo, hi = max(lo, m.start - MAX_SCAN_DISTANCE), min(hi, m.end + MAX_SCAN_DISTANCE)
    near = strong.near(lo, hi)
    # the clause lies inside [lo, hi): no keyword there, no clause to find
    if not any(hit.start >= lo and hit.end <= hi and not (m.start <= hit.start < m.end) for hit in near):
        return None
    lo, hi = _clause(text, m, lo, hi)
    best: tuple[int, Hit] | None = None
    for hit in near:
        if hit.start >= lo and hit.end <= hi and not (m.start <= hit.start < m.end):
            gap = m.start - hit.end if hit.end <= m.start else hit.start - m.end
            if best is None or gap < best[0]:
                best = (gap, hit)
    return best[1] if best else None


def _metric(m: Mention, strong: _Keywords, weak: _Keywords, spans: Spans, dominant: str | None, text: str = "",
            anchor: Mention | None = None, aggregates: frozenset[str] = frozenset()) -> str:
    """The keyword in the amount's own clause, then a sentence keyword, then a paragraph keyword (a specific word
    beats a generic one nearer), then a weak (generic investment) word in the sentence, then the article's
    dominant metric; "other" only wins where no named metric is near, or in the amount's clause. A conversion in
    parentheses takes the clause of the amount it converts (`anchor`)."""
    if text and (clause := _clause_metric(text, anchor or m, strong.every, spans)):
        m.aggregate = clause.label == "other" and fold(text[clause.start:clause.end]) in aggregates
        return clause.label
    end = m.end  # its stated conversion is part of the phrase: "X (Y), for Z"
    if text and (paren := _PHRASE_PAREN.match(text, m.end)):
        m.end = paren.end()
    try:
        for hits, same in ((strong, "sentence"), (strong, "paragraph"), (weak, "sentence")):
            hit = nearest(hits.named, m, spans, same=same) or nearest(hits.every, m, spans, same=same)
            if hit:
                m.weak_metric = hits is weak
                return hit.label
    finally:
        m.end = end
    m.weak_metric = True
    return dominant or "other"


def _source(m: Mention, cited: Hits, attributed: Hits, sources: Hits, cues: Hits, spans: Spans,
            companies: frozenset[str] = frozenset(), shared: bool = False) -> str | None:
    """A party an outlet cites in the amount's sentence ("Bloomberg, citing Acme") is its source; else an outlet
    named with an attribution marker ("according to Reuters") beats the nearest statement or
    attribution word with a speaker (the spender itself: "company statement"; another party by name: "said
    Jane Roe", "según Acme"), which beats an outlet named without one (a dateline); the sentence first, then
    the paragraph."""
    def spoken(c: Hit) -> bool:  # another company's statement is no source for this spender's figure; a
        # `shared` figure, no one company's (a market's size, one parties in a row share), is the speaker's word
        return bool(c.label) and (m.company is not None if c.label == PRONOUN else
                                  c.label == m.company or shared or c.label not in companies)

    def told_next(c: Hit) -> bool:  # across sentences, a party speaks for the sentence before ("This, X said")
        return spoken(c) and (c.label in (m.company, PRONOUN) or spans.sentence(c.start) == spans.sentence(m.start) + 1)

    if hit := nearest(cited, m, spans, same="sentence"):
        return hit.label
    for same in ("sentence", "paragraph"):
        if hit := nearest(attributed, m, spans, same=same):
            return hit.label
        if hit := nearest(cues, m, spans, same=same, keep=spoken if same == "sentence" else told_next):
            return STATEMENT if hit.label in (m.company, PRONOUN) else hit.label
        if same == "sentence" and (hit := nearest(sources, m, spans)):
            return hit.label
    return None


def _cited(text: str, hit: Hit, sources: list[Hit], citing: re.Pattern[str]) -> bool:
    """Whether a named source is cited: a citing marker stands shortly before it, in its sentence, with no other
    named source between ("citing a report by the agency Acme", "citing analysts at Acme"). A generic source
    ("analysts") names no one the figure can be traced to."""
    if not hit.label[:1].isupper():
        return False
    ends = [m.end() for m in citing.finditer(text, max(0, hit.start - 60), hit.start)]
    return bool(ends) and not any(ends[-1] <= h.start < hit.start and h.label[:1].isupper() for h in sources) \
        and not any(c in text[ends[-1]:hit.start] for c in ".!?;")


def _subject(hits: Hits, m: Mention, spans: Spans, text: str, particles: list[str]) -> Hit | None:
    """In a language that marks its subject with a particle ("누리텍이 … 한빛과 … 3조 원을"), the party so marked
    before the amount in its sentence, rather than a nearer one marked otherwise ("with MS")."""
    if not particles:
        return None
    lo = max(bounds(spans, m.start, len(text))[0], m.start - MAX_SCAN_DISTANCE)
    marked = [h for h in hits.near(lo, m.start) if lo <= h.start and h.end <= m.start
              and text.startswith(tuple(particles), h.end)]
    return marked[-1] if marked else None


def _listed(text: str, hit: Hit, parties: Hits, gap: re.Pattern[str]) -> bool:
    """Whether the party is one of several named in a row ("Google, Microsoft, Amazon and Apple", "Acme and
    Borvex"): no single one of them is the spender. Two names with only a comma between ("Unlike Acme, Borvex
    …") are no list."""
    hits, k = parties.hits, bisect.bisect_left(parties.starts, hit.start)
    while k < len(hits) and hits[k] is not hit:
        k += 1
    if k == len(hits):
        return False
    members, joined = {hit.label}, False
    for step in (-1, 1):  # walk the row both ways from the party, over commas and "and"s only
        n = k
        while 0 <= n + step < len(hits):
            a, b = (hits[n + step], hits[n]) if step < 0 else (hits[n], hits[n + step])
            if b.start - a.end > 12 or b.start < a.end or b.label == PUBLIC or a.label == PUBLIC:
                break
            link = gap.fullmatch(text, a.end, b.start)
            if link is None:
                break
            joined = joined or not any(mark in link.group() for mark in ",、，")  # an "and" joins them
            members.add(hits[n + step].label)
            n += step
    return len(members) >= 3 or (len(members) == 2 and joined)


def _converted(text: str, mentions: list[Mention], i: int) -> Mention | None:
    """The amount the i-th mention converts in parentheses right after it ("$5 billion (¥700 billion)")."""
    j = mentions[i].partner
    if j is None or j >= i:
        return None
    between = text[mentions[j].end:mentions[i].start]
    return mentions[j] if "(" in between or "（" in between else None


def _next_sentence(hits: Hits, m: Mention, spans: Spans, n: int,
                   seen: dict[tuple[int, int], Hit | None]) -> Hit | None:
    """The first hit of the sentence after the mention's, in its paragraph: a party named only there ("The site
    is worth $2 billion. It is built by Acme."); `seen` keeps the answer per sentence and table of parties."""
    i = spans.sentence(m.start)
    if i >= len(spans.sentence_ends):
        return None
    key = (i, id(hits))
    if key not in seen:
        lo, hi = bounds(spans, spans.sentence_ends[i], n)
        hi = min(hi, lo + MAX_SCAN_DISTANCE)
        paragraph = spans.paragraph(m.start)
        seen[key] = next((h for h in hits.near(lo, hi) if lo <= h.start < hi
                          and spans.paragraph(h.start) == paragraph), None)
    return seen[key]


def _text_line(text: str, start: int) -> tuple[int, int] | None:
    """The span of the first line from `start` (a line's start) that is not blank: lines found by `str.find`, not
    a regex that runs to each line's end and back."""
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        if not text[start:end].isspace() and end > start:
            return start, end
        start = end + 1
    return None


def _headline(text: str) -> tuple[int, int] | None:
    """The title line's span: the first line after any front matter, when it is short and more follows."""
    body = FRONT_MATTER.match(text)
    first = _text_line(text, body.end() if body else 0)
    if first is None or first[1] - first[0] > TITLE_MAX_CHARS or _text_line(text, first[1] + 1) is None:
        return None
    return first


def body_start(text: str) -> int:
    """Where the article's body starts: after its front matter and its title."""
    title = _headline(text)
    body = FRONT_MATTER.match(text)
    return title[1] if title else body.end() if body else 0


def _headline_source(text: str, sources: list[Hit]) -> str | None:
    """A source named in the headline covers the whole article (inverted pyramid); used for amounts with no
    attribution of their own."""
    title = _headline(text)
    if title and (hit := next((h for h in sources if title[0] <= h.start < title[1]), None)):
        return hit.label
    return None


def enrich(text: str, mentions: list[Mention], g: Grammar, spans: Spans, published: date | None,
            found: dict[str, list[tuple[int, int]]]) -> None:
    starts, ends = [m.start for m in mentions], [m.end for m in mentions]

    def inside_money(pos: int) -> bool:  # mentions are sorted and disjoint
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    # every table is looked up in an amount's sentence or paragraph: a year or source elsewhere is never read
    paragraphs = {spans.paragraph(m.start) for m in mentions}
    years = table([Hit(start, end, str(y)) for start, end, kind, word in year_expressions(text, found, g)
                   if spans.paragraph(start) in paragraphs and not inside_money(start)
                   and (y := year_of(start, end, kind, word, text, published, g)) is not None])
    strong_list = keyword_hits(found["metric"], text, g.metric_of)
    strong, weak = _Keywords(strong_list), _Keywords(keyword_hits(found["weak_metric"], text, g.metric_of))
    counted = _by_count([h.label for h in strong_list if h.label != "other"])
    dominant = counted[0][0] if counted else None
    companies = keyword_hits(found["company"], text, g.company_of)
    sentences = {spans.sentence(m.start) for m in mentions}
    # a party speaks for its own sentence or the one before, and a subject left out goes on from the one before
    near = sentences | {i + 1 for i in sentences} | {i - 1 for i in sentences if i}
    found = found | window_words(found, spans, sentences)
    companies += discovered_companies(text, found, spans, g, sentences, companies, near)
    if not companies:  # none named near an amount: one introduced anywhere in the article (its other paragraphs)
        companies = discovered_companies(text, found, spans, g, sentences, companies, read=near)
    spender_list = [h for h in companies if h.label.casefold() not in g.suppliers]
    public = keyword_hits(found["public_actor"], text, label=PUBLIC)
    actors = table(spender_list + public)
    # a supplier's own revenue, market value or capital spending (a factory, a capex plan) is its figure:
    # suppliers count as parties for those, never for what they sell into (chips, data centres); and "the
    # company" stands for the company named last, supplier or not
    every_company = table(companies)
    sellers = table(companies + public) if len(every_company.hits) > len(spender_list) else actors
    pronoun_list = keyword_hits(found["company_pronoun"], text, label=PRONOUN)
    pronouns = table(pronoun_list)
    # an agency's credit in brackets ("KUCHING, 3 Mac (Agency) --", "[Agency]") says who wrote the copy, not
    # whom the figures are attributed to
    source_list = [h for h in keyword_hits(found["source"], text, g.source_of)
                   if not (h.start and text[h.start - 1] in "([" and text[h.end:h.end + 1] in (")", "]"))]
    read = [h for h in source_list if spans.paragraph(h.start) in paragraphs]
    attributed = table([h for h in read if g.attribution.search(text[max(0, h.start - 30):h.end + 30])])
    cited = table([h for h in read if _cited(text, h, source_list, g.citing)])
    sources = table([h for h in read if h.label not in g.attributed_only])
    cues = table(statement_cues(found, text, spans, companies, pronoun_list, g, paragraphs, near,
                                table(source_list + companies)))
    fallback_source = _headline_source(text, source_list)
    company_labels = frozenset(h.label for h in companies)
    top = _by_count([h.label for h in spender_list])
    # the article's main spender, where one company clearly dominates it
    main_company = top[0][0] if top and (top[0][1] >= 3 or (len(top) == 1 and top[0][1] >= 2)) and \
        (len(top) == 1 or top[0][1] > top[1][1]) else None
    particles = g.lex.subject_particles
    following: dict[tuple[int, int], Hit | None] = {}  # the next sentence's party, per sentence
    in_row: dict[int, bool] = {}  # whether a party is public or one of several in a row, per party
    for i, m in enumerate(mentions):
        qualify(text, m, g, after_aside(text, mentions, i))
        if hit := nearest(years, m, spans):
            m.year = int(hit.label)
        m.metric = _metric(m, strong, weak, spans, dominant, text, _converted(text, mentions, i), g.aggregates)
        # the actor in the sentence, else the company "the company" there stands for, else the actor named last
        # before it in the paragraph (a government there makes it a public figure), else the article's main one
        own = m.metric == "other" or (m.metric == "capex" and not m.weak_metric)  # a supplier's own figure
        parties = sellers if own else actors
        hit = (particles and _subject(parties, m, spans, text, particles)) or nearest(parties, m, spans)
        company = pronoun_company(m, pronouns, every_company, spans) if hit is None else None
        hit = hit or (None if company else nearest(parties, m, spans, same="paragraph", before=True)
                      or _next_sentence(parties, m, spans, len(text), following))
        shared = m.aggregate  # a figure no one company owns: any company stating it is its source
        if m.aggregate:  # a market's size or a country's GDP is no one company's
            m.company = None
        elif hit:
            if (listed := in_row.get(id(hit))) is None:
                listed = in_row[id(hit)] = hit.label == PUBLIC or _listed(text, hit, parties, g.list_gap)
            m.company = None if listed else hit.label
            shared = listed and hit.label != PUBLIC
        else:
            m.company = company or main_company
        # a generic investment word says what is spent, not on what: in an article about data centres, a
        # company's investment is its data-centre investment (a public or unowned one is often a broader plan)
        if m.weak_metric and m.metric == "capex" and dominant == "ai_infrastructure" and m.company:
            m.metric = dominant
        m.source = _source(m, cited, attributed, sources, cues, spans, company_labels, shared) or fallback_source
    previous: Mention | None = None
    for m in mentions:  # else the year of the paragraph's previous amount, else a year named before it there
        if m.year is None:
            if previous and previous.year and spans.paragraph(previous.start) == spans.paragraph(m.start):
                m.year = previous.year
            elif hit := nearest(years, m, spans, same="paragraph", before=True):
                m.year = int(hit.label)
        previous = m
