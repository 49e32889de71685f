"""Spenders and speakers the tables do not list, read from the sentence around a cue word, and the
statement cues labelled with who speaks."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from .grammar import Grammar
from .mention import PRONOUN, Mention
from .names import (
    NOUNS_CAPITALISED,
    VERB_FINAL,
    base_name,
    clean,
    inflected,
    name_after,
    name_before,
    place_names,
    quoted_after,
    subject_before,
    weekdays,
)
from .spans import Hit, Hits, Spans, nearest
from .wordkeys import fold, word_key

# What closes reported words before the verb that attributes them: a comma, a dash, a closing quotation mark
REPORTED_END = (",", "–", "—", '"', "”", "“", "»", "«", "」", "』")
# A comma or spaced dash between clauses or around an aside (not the comma of "1,5 mld")
_ASIDE_MARK = re.compile(r",(?=[\s\u00a0])|[\s\u00a0][–—](?=[\s\u00a0])")
_ASIDE_END = (",", "–", "—")
_LETTERS = re.compile(r"[^\W\d_]+")
# what may stand between a name and the word after it that types it (name_before's `gap`)
_APPOSITION = re.compile(r"[\s\u00a0]*,[\s\u00a0]*(?:[^\W\d_]{1,3}[\s\u00a0]+)?")  # "Acme, a company", "Acme, gruppo"
_LEGAL_GAP = re.compile(r",?[\s\u00a0]*")  # "Acme, Inc.", "Acme GmbH"
_SUBJECT_GAP = re.compile(r"[\s\u00a0]+")  # "Acme invests"
_ONE_SPACE = re.compile(" ")


_NO_HITS = Hits([])


def table(hits: list[Hit]) -> Hits:
    """The hits as a table; one shared table where there are none, as for most tables in most articles."""
    return Hits(hits) if hits else _NO_HITS


def bounds(spans: Spans, pos: int, n: int) -> tuple[int, int]:
    """The start and end of the sentence holding `pos`."""
    i = spans.sentence(pos)
    return (spans.sentence_ends[i - 1] if i else 0), (spans.sentence_ends[i] if i < len(spans.sentence_ends) else n)


def _sentence_initial(text: str, lo: int, start: int) -> bool:
    return not text[lo:start].strip(" \t\n\u00a0\"“„«‘'([-–—•*#")


def _occurrences(text: str, name: str, limit: int) -> Iterator[int]:
    """Where the article writes `name` as a whole word (at most `limit` places): a plain search, no regex to
    compile per name."""
    start, found = text.find(name), 0
    while start >= 0 and found < limit:
        end = start + len(name)
        if not (start and _letter(text[start - 1])) and not (end < len(text) and _letter(text[end])):
            found += 1
            yield start
        start = text.find(name, start + 1)


def _letter(ch: str) -> bool:
    return ch.isalpha()


def _common(text: str, words: list[str], g: Grammar) -> bool:
    """Whether a sentence-initial word before other capitalised ones is a common word, not the first of a name
    ("Według Acme", "In Berlin" against "Veltrix Systems said"): a short word (the prepositions and articles), an
    attribution word, or one the article writes in lowercase too. Where every noun is capitalised, any such word:
    a title or adverb ("Konzernchef Jan Roe sagte", "Auch Acme investiert") is capitalised as a name is. So is
    one before a name of two capitalised words or one the article writes elsewhere after a lowercase word: a
    title or adverb opens the sentence ("Yesterday Acme Systems said", "Ayer Acme anunció" ... "dijo Acme")."""
    word = words[0]
    if len(word) <= 3 or g.lex.lang in NOUNS_CAPITALISED or g.attribution.fullmatch(word):
        return True
    if sum(w[:1].isupper() for w in words[1:]) >= 2 or (words[1][:1].isupper() and _after_lowercase(text, words[1])):
        return True
    lower = word.lower()
    if lower == word:
        return True
    if lower.isalpha():  # the common case: one set of the article's words, not a search per word
        return lower in _letter_runs(text)
    return next(_occurrences(text, lower, 1), None) is not None


@lru_cache(maxsize=2)
def _letter_runs(text: str) -> frozenset[str]:
    """The article's words as runs of letters: whether it writes a word in lowercase is then one look-up, however
    often the word's letters stand inside longer words ("ation" in "nation", "station")."""
    return frozenset(_LETTERS.findall(text))


def _after_lowercase(text: str, word: str) -> bool:
    """Whether the article writes the word after a lowercase word somewhere ("dijo Acme"), its name starting
    there (a few occurrences looked at)."""
    for start in _occurrences(text, word, 8):
        before = text[max(0, start - 40):start].split()
        if before and before[-1][:1].islower():
            return True
    return False


def _seen_inside(text: str, name: str) -> bool:
    """Whether the article writes the word capitalised after a lowercase word too, so that its capital is no
    mere sentence start (a few occurrences looked at)."""
    for start in _occurrences(text, name, 8):
        before = text[max(0, start - 3):start].rstrip(" \u00a0,;:")
        if before and before[-1].isalpha() and before[-1].islower():
            return True
    return False


def _before_name(word: str, g: Grammar) -> bool:
    """Whether a word before a name is no part of it wherever it stands: an article, a company noun ("Skupina
    Acme", "Softwarekonzern Acme"), a public body, a country, a lowercase particle or a descriptor ending in a
    lowercase part ("Brussels-based Acme")."""
    return fold(word) in g.not_names or word.casefold() in g.lex.determiners or \
        fold(word) in place_names(g.lex.lang) or word[:1].islower() or word.rpartition("-")[2][:1].islower() or \
        _compound_head(word, g)


def _compound_head(word: str, g: Grammar) -> bool:
    """Whether a company noun closes the word where nouns compound ("Softwarekonzern", "techbedrijf")."""
    return g.compound_noun is not None and g.compound_noun.search(word) is not None


def _name_ok(text: str, span: tuple[int, int], lo: int, g: Grammar, *, acronym: bool = False,
             legal: bool = False) -> str | None:
    """The name at `span` when it can name a party: no sentence-initial determiner, no common word capitalised
    only because a sentence starts with it, no country (CLDR), public body, month, or short acronym (AI, EU)
    unless a company noun or legal form stands beside it (`acronym`). A legal form right after one capitalised
    word (`legal`: "Acme GmbH", "Acme şirketi"), or a company noun that opens the run before a verb ("Der
    Konzern Acme investiert"), makes it a name even at a sentence's start or in German."""
    start, end = span
    words = clean(text[start:end]).split()
    initial = _sentence_initial(text, lo, start)
    # a leading article, company noun ("Skupina Acme", "Softwarekonzern Acme"), a particle left before the name
    # ("Mutterkonzern von Acme"), a descriptor ending in a lowercase part ("Brussels-based Acme", "Nvidia-backed
    # Acme") or a sentence-initial word never capitalised elsewhere ("Według Acme") is not part of the name
    typed = False  # a company noun opened the run: the subject of the verb after it is named by it
    while len(words) > 1 and (_before_name(words[0], g) or
                              (initial and not _seen_inside(text, words[0]) and _common(text, words, g))):
        # "Mutterkonzern von Acme": a word between, and the noun names another party
        typed = not words[0][:1].islower() and (typed or fold(words[0]) in g.company_nouns or
                                                 _compound_head(words[0], g))
        words, initial = words[1:], False
    if len(words) > 1 and fold(words[-1]) in g.legal_forms:
        words = words[:-1]  # "Acme Ltd": the name without its legal form, as the legal form's own rule reads it
    name = " ".join(words)
    if len(name) < 2 or (not acronym and name.isupper() and len(name) <= 3 and name.isascii()) or \
            any(word_key(w) in g.lex.scales or word_key(w) in g.lex.currency_words for w in words):
        return None  # an acronym such as AI or EU, or the words of an amount ("Milliarden US-Dollar")
    key = fold(name)
    places = place_names(g.lex.lang)
    if key in places or key in g.not_names or word_key(name) in g.lex.months or key in weekdays(g.lex.lang) or \
            (g.lex.lang in NOUNS_CAPITALISED and key.endswith("s") and key[:-1] in places):  # "Europas"
        return None
    if len(words) == 1 and not legal and not typed and ((initial and not _seen_inside(text, name)) or
                                          (g.lex.lang in NOUNS_CAPITALISED and name[1:].islower())):
        return None  # German capitalises every noun: one such word alone is no name
    if g.lex.lang not in NOUNS_CAPITALISED and _title_case(text, lo, start) and \
            not any(not _title_case(text, _line_start(text, at), at) for at in _occurrences(text, name, 8)):
        return None  # "Acme Systems To Invest $3 Billion", "Startup Acme Raises": a name only the headline writes
    return name


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _title_case(text: str, lo: int, pos: int) -> bool:
    """Whether the line holding `pos` (from `lo`, its sentence's start) is written in title case, as headlines
    often are ("Acme Systems To Invest $3 Billion In Ohio"): every word of four letters or more capitalised, four
    at least. There a capital marks no name: a verb or "To" runs into the name before it."""
    lo = max(lo, pos - 300)  # a headline is short: the words near the name tell
    end, start = text.find("\n", pos, pos + 300), text.rfind("\n", lo, pos) + 1
    words = [w for w in text[max(lo, start):end if end >= 0 else pos + 300].split()
             if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def _full_name(text: str, name: str, g: Grammar) -> str:
    """A person named once in full and later by one name ("Jane Roe" ... "Roe said"): the full name, from the
    first occurrence that has a capitalised word beside it, not one that is no part of a name ("laut dem
    Beratungsunternehmen Acme"); in the languages that decline names, in base form ("podle Clarka" ... "s Tomem
    Clarkem": "Tom Clark")."""
    endings = g.lex.name_endings
    if endings:
        name = base_name(text, name, endings)
    if " " in name:
        return name
    places = inflected(text, name, endings) if endings else ((s, s + len(name)) for s in _occurrences(text, name, 8))
    for start, end in places:
        # the other word read in base form together with this occurrence's ("Tomem Clarkem": both declined)
        if (after := name_after(text, end, end + 40)) and after[0] == end + 1:
            written = f"{text[start:end]} {text[after[0]:after[1]].split()[0]}"
            return f"{name} {base_name(text, written, endings or {}).split()[-1]}"
        if before := name_before(text, start, max(0, start - 40), gap=_ONE_SPACE):
            first = text[before[0]:before[1]].split()[-1]  # the word before, not sentence-initial itself
            if not _sentence_initial(text, max(0, text.rfind(".", 0, start) + 1), start - len(first) - 1) and \
                    not _before_name(first, g):
                return f"{base_name(text, f'{first} {text[start:end]}', endings or {}).split()[0]} {name}"
    return name


def window_words(found: dict[str, list[tuple[int, int]]], spans: Spans,
                 sentences: set[int]) -> dict[str, list[tuple[int, int]]]:
    """Attribution words of the sentences with an amount (the keyword scan finds them everywhere; elsewhere they
    say nothing about an amount). Company nouns and legal forms count anywhere: a party is often introduced in
    one paragraph and its figure given in another."""
    return {"attribution": [(a, b) for a, b in found["attribution"] if spans.sentence(a) in sentences]}


def discovered_companies(text: str, found: dict[str, list[tuple[int, int]]], spans: Spans, g: Grammar,
                          sentences: set[int], known: list[Hit], around: set[int] | None = None,
                          read: set[int] | frozenset[int] = frozenset()) -> list[Hit]:
    """Companies the tables do not list, named beside a company noun or legal form in the sentences `around` the
    amounts (None: anywhere in the article), or as the subject of an investment word in a sentence with an
    amount; returned as hits at every place the article names them. Sentences `read` by an earlier call with
    the same `known` that found nothing are skipped: each place's name depends on that place alone."""
    names: dict[str, None] = {}
    n = len(text)
    for kind, before_gap, typed in (("company_noun", _APPOSITION, True), ("compound_noun", _APPOSITION, True),
                                    ("legal_form", _LEGAL_GAP, True), ("weak_metric", _SUBJECT_GAP, False)):
        for start, end in found.get(kind, ()):
            if ((within := around if typed else sentences) is not None and spans.sentence(start) not in within) \
                    or (read and spans.sentence(start) in read):
                continue
            lo, hi = bounds(spans, start, n)
            if kind == "compound_noun":  # "der Softwarekonzern Acme": the name after the whole word
                if text[start - 1:start].isalpha():
                    named = _noun_then_name(text, end, hi)
                    if not _cited_by_noun(text, start, named, found, g):
                        _add_name(names, text, named, lo, g, True)
                continue
            if kind == "company_noun":
                named = _noun_then_name(text, end, hi)
                if not _cited_by_noun(text, start, named, found, g):
                    # "the AI company Acme", "la empresa española Acme", "شركة "أكمي""
                    _add_name(names, text, named or quoted_after(text, end, hi), lo, g, True)
            pos = start
            if not typed and g.auxiliary_before and \
                    (aux := g.auxiliary_before.search(text, max(lo, start - 24), start)):
                pos = aux.start()  # "Acme will invest", "a Acme vai investir": the subject before the auxiliary
            span = name_before(text, pos, lo, gap=before_gap)
            if span and not typed and _attributed(text, span, found["attribution"]):
                continue  # "according to Roe, the investment": a speaker, not a spender
            _add_name(names, text, span, lo, g, typed, legal=kind == "legal_form")
    if not names:
        return []
    labels = {fold(h.label) for h in known} | {fold(text[h.start:h.end]) for h in known}
    hits = []
    for name in names:
        if fold(name) in labels:
            continue
        hits += [Hit(start, start + len(name), name) for start in _occurrences(text, name, 50)]
    return hits


def _add_name(names: dict[str, None], text: str, span: tuple[int, int] | None, lo: int, g: Grammar, acronym: bool,
              legal: bool = False) -> None:
    if span and (name := _name_ok(text, span, lo, g, acronym=acronym, legal=legal)):
        names[name] = None


def _cited_by_noun(text: str, start: int, span: tuple[int, int] | None, found: dict[str, list[tuple[int, int]]],
                   g: Grammar) -> bool:
    """Whether the party a company noun at `start` introduces (named at `span`, _noun_then_name's) is one an
    attribution word cites, a source and no spender: the word (not a statement verb: "said the firm Acme" is the
    firm's own statement) ends a few lowercase words before the noun ("according to the consulting firm Acme",
    "ifølge analyseselskapet Acme"), or, written after its party, follows the name ("konsulttiyhtiö Acmen
    mukaan")."""
    attribution = found["attribution"]
    while start > 0 and text[start - 1].isalpha():
        start -= 1  # the whole word a compound's head closes
    i = bisect.bisect_right(attribution, (start, start)) - 1
    if i >= 0 and attribution[i] not in found["statement_cue"]:
        between = text[attribution[i][1]:start].split()
        if len(between) <= 3 and all(w.isalpha() and w.islower() for w in between):
            return True
    if span is None:
        return False
    j = bisect.bisect_left(attribution, (span[1], span[1]))
    return j < len(attribution) and fold(text[attribution[j][0]:attribution[j][1]]) in g.postpositions and \
        not text[span[1]:attribution[j][0]].strip(" \u00a0")


def _attributed(text: str, span: tuple[int, int], attribution: list[tuple[int, int]]) -> bool:
    """Whether an attribution word ("according to", "Według", "podle") ends just before the name at `span` or
    opens it (a capitalised one at the start of a sentence)."""
    i = bisect.bisect_left(attribution, (span[1], span[1])) - 1
    return i >= 0 and (attribution[i][1] > span[0] or not text[attribution[i][1]:span[0]].strip(" \u00a0"))


def _noun_then_name(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """The name right after a company noun, or after one descriptive word ("la empresa española Acme"); a short
    function word between ("the group in Berlin") leaves no name."""
    span = name_after(text, pos, hi, skip=1)
    if span is None:
        return None
    between = text[pos:span[0]].split()
    return span if not between or len(between[0]) >= 4 else None


def _speaker_name(text: str, start: int, end: int, spans: Spans, g: Grammar, parties: Hits, *,
                  after_first: bool = False) -> str:
    """Who a speech or attribution word attributes to by structure: the name right before it ("Roe said",
    "Roe'ya göre") or just after it ("said Jane Roe", "according to Jane Roe", "oznámil to premiér Jan Novák"),
    that one first where the verb follows reported words (`after_first`); a listed outlet or company there
    keeps its table name; '' when nobody is named."""
    lo, hi = bounds(spans, start, len(text))
    # the places a name may stand, in the order they are tried (0 before the word, 1 after it, 2 the clause's
    # subject): each found only when the ones before it name nobody
    places: tuple[int, ...] = (0,) if fold(text[start:end]) in g.postpositions else (1, 0) if after_first else (0, 1)
    if g.lex.lang in VERB_FINAL:  # the subject opens the clause the verb closes: "…, diyen Roe, … söyledi"
        places += (2,)
    for place in places:
        span = name_before(text, start, lo) if place == 0 else name_after(text, end, hi, skip=3) if place == 1 \
            else subject_before(text, lo, start)
        if span and (party := _party_at(text, span, lo, g, parties)):
            return party
    return ""


def _party_at(text: str, span: tuple[int, int], lo: int, g: Grammar, parties: Hits) -> str:
    """The party named at `span`: a listed outlet or company by its table name, else the name itself when it can
    name a party; '' when it cannot."""
    if listed := next((h for h in parties.near(span[0], span[1]) if h.start < span[1] and h.end > span[0]), None):
        return listed.label
    if name := _name_ok(text, span, lo, g):
        return _full_name(text, name, g)
    return ""


def _trimmed(text: str, lo: int, hi: int) -> int:
    """The end of text[lo:hi] without its trailing spaces (no copy of a long sentence per verb)."""
    while hi > lo and text[hi - 1] in " \u00a0":
        hi -= 1
    return hi


def _closing_mark(text: str, lo: int, hi: int) -> str:
    """The last character of text[lo:hi] before its trailing spaces ('' if none)."""
    end = _trimmed(text, lo, hi)
    return text[end - 1] if end > lo else ""


def _last_marks(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The last two aside marks between `lo` and `hi`, as a scan of text[lo:hi] finds them: searched back from
    `hi` in growing windows, so that a long sentence is not scanned whole for each of its verbs."""
    width = 256
    while True:
        window = max(lo, hi - width)
        marks = [m.span() for m in _ASIDE_MARK.finditer(text, window, hi)]
        if len(marks) >= 2 or window == lo:
            return marks[-2:]
        width *= 4


def _after_aside(text: str, first: int, start: int) -> bool:
    """Whether the comma or dash before a verb at `start` closes an aside opened right after a short name ("Acme,
    a unit of Beta Ltd, said", "Die Acme AG – ein Betreiber – teilte", "Компания «Акме», оператор, заявила"): the
    verb's subject is that name, and a name after the verb is what it says or whom it tells, not who speaks."""
    marks = [a for a, _ in _last_marks(text, first, _trimmed(text, first, start) - 1)]  # not the closing mark
    if not marks:
        return False
    # a name, perhaps after an article or a company noun ("la société Acme", "Компания «Акме»")
    words = text[marks[-2] + 1 if len(marks) > 1 else first:marks[-1]].split()
    subject = [w for w in (w.strip("\"'“”„«»–—").rstrip(".") for w in words) if w]
    return 0 < len(subject) <= 4 and subject[-1][:1].isupper() and sum(not w[:1].isupper() for w in subject) <= 1 \
        and not any(c.isdigit() for w in subject for c in w)


def _apposed_speaker(text: str, first: int, start: int, speakers: Hits, g: Grammar, parties: Hits) -> str:
    """The name set off by commas or dashes right before a verb at `start`, after the title it names ("The
    group's chairman, Jane Roe, said", "Il direttore generale, Marco Bellandi, ha annunciato"): the aside is
    the verb's subject itself, not words it reports ("…, said Roe") or an aside about a subject before it. One
    word alone ("near Austin, Texas, said") names a party only where a table lists it. Nor is it one where the
    words before the aside hold a figure: the aside ends reported words ("$3 billion on sites in Austin, New
    York, said a spokesman"), where a title would stand ("Acme will spend $3 billion, its chief, Jane Roe, said")."""
    close = _trimmed(text, first, start) - 1  # the mark that closes the aside
    marks = _last_marks(text, first, close)
    if not marks:
        return ""
    head = text[marks[-2][1] if len(marks) > 1 else first:marks[-1][0]]
    if any(c.isdigit() for c in head):
        return ""
    opened = marks[-1][1]
    span = name_before(text, close, opened)
    if span is None or text[opened:span[0]].strip(" \u00a0"):
        return ""
    if company := next((h.label for h in speakers.near(*span) if h.start < span[1] and h.end > span[0]), ""):
        return company
    return _party_at(text, span, first, g, parties) if " " in text[span[0]:span[1]] else ""


def _reporter(text: str, first: int, start: int, before: Hit, g: Grammar, parties: Hits) -> str:
    """The party named right before a verb at `start` after the words it reports, set off by a comma ("Acme
    will spend $3 billion, Jane Roe said"), where a company is named earlier in the sentence: the verb's
    subject, not that company; '' where the name is the company itself ("Acme said") or none stands there."""
    span = name_before(text, start, max(first, before.end))
    if span is None or _closing_mark(text, first, span[0]) not in _ASIDE_END:
        return ""
    return _party_at(text, span, first, g, parties)


def statement_cues(found: dict[str, list[tuple[int, int]]], text: str, spans: Spans, companies: list[Hit],
                    pronouns: list[Hit], g: Grammar, paragraphs: set[int], sentences: set[int],
                    parties: Hits) -> list[Hit]:
    """Statement and attribution words in paragraphs with an amount, labelled with who speaks: the company
    named (or referred to as "the company") before the verb in its sentence, or just after it ("a déclaré
    Google"), else the party the sentence structure names beside it; unlabelled when nobody is."""
    speakers = table(companies + pronouns)
    cues = []
    found_cues = found["statement_cue"]
    if found.get("split_verb"):  # "maakte Acme bekend": the verb, where its particle closes the clause after it
        found_cues = sorted([*found_cues, *((a, b) for a, b in found["split_verb"] if spans.sentence(a) in sentences
                                            and g.split_particle[fold(text[a:b])].match(text, b, b + 120))])
    said: dict[int, str] = {}  # the last named speaker of each sentence
    for start, end in found_cues:
        if spans.paragraph(start) not in paragraphs:
            continue
        sentence = spans.sentence(start)
        first = spans.sentence_ends[sentence - 1] if sentence else 0
        if said.get(sentence - 1) and text.startswith(",", end) and _sentence_initial(text, first, start):
            # a verb with its subject left out opens the sentence ("Recalled, that …" in the languages that
            # drop subjects): the speaker of the sentence before goes on
            cues.append(Hit(start, end, said[sentence - 1]))
            continue
        before = _last_within(speakers, first, start)  # the last speaker before the verb
        last = spans.sentence_ends[sentence] if sentence < len(spans.sentence_ends) else len(text)
        after = None
        for h in speakers.near(end, end + 41):
            if end <= h.start and (h.label != PRONOUN or h.start < last):  # "the company" of the next
                after = h  # sentence is that sentence's subject
                break
        closing = _closing_mark(text, first, start)  # '' (in neither tuple) where nothing stands before
        apposed = _apposed_speaker(text, first, start, speakers, g, parties) if closing in _ASIDE_END else ""
        if apposed:
            label = apposed
        elif closing in REPORTED_END and not _after_aside(text, first, start):
            # the verb follows the words it reports ("… in Poland – said Prime Minister Jan Kowal", "…," said
            # Roe): its subject comes after it, and a company named in the reported words is not the speaker
            if after:
                label = after.label
            else:
                named = _speaker_name(text, start, end, spans, g, parties, after_first=True) \
                    if sentence in sentences else ""
                label = named or (before.label if before else "")
        elif before and sentence in sentences and (own := _reporter(text, first, start, before, g, parties)):
            label = own  # "Acme will spend $3 billion, Roe said": the name the verb follows, not the company
        else:
            speaker = before or after
            label = speaker.label if speaker else \
                _speaker_name(text, start, end, spans, g, parties) if sentence in sentences else ""
        if label:
            said[sentence] = label
        cues.append(Hit(start, end, label))
    # an attribution word ("according to", "laut", "podle") names its party right beside it, or nobody
    cues += [Hit(start, end, _speaker_name(text, start, end, spans, g, parties))
             for start, end in found["attribution"]]
    return cues


def _last_within(hits: Hits, lo: int, hi: int) -> Hit | None:
    """The last hit that lies wholly in [lo, hi)."""
    near = hits.near(lo, hi)
    for k in range(len(near) - 1, -1, -1):
        if near[k].end <= hi and near[k].start >= lo:
            return near[k]
    return None


def pronoun_company(m: Mention, pronouns: Hits, spenders: Hits, spans: Spans) -> str | None:
    """"The company", "la empresa", "společnost" in the amount's sentence: the last company named before it."""
    hit = nearest(pronouns, m, spans)
    if hit is None:
        return None
    i = bisect.bisect_left(spenders.starts, hit.start) - 1
    return spenders.hits[i].label if i >= 0 and hit.start - spenders.hits[i].end < 3000 else None
