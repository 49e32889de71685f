"""Names the entity tables do not list, read from the sentence structure around a cue word: the capitalised word
run (in cased scripts) or the quoted name (in any script) next to a company noun or legal form ("the AI company
Acme", "Acme Holdings Ltd", "شركة "أكمي""), before an investment or statement verb ("Acme investiert"), or
next to a speech or attribution word ("according to Jane Roe", "said Jane Roe"). Every function reads a small
window around one cue, never the whole article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from babel import Locale, UnknownLocaleError

from .wordkeys import fold

# A word of a name: letters and digits, with inner hyphens, apostrophes, dots and ampersands ("Moody's",
# "JD.com", "Data-Werk", "AT&T"); a trailing dot is the sentence's, not the name's.
_WORD = re.compile(r"[^\W_](?:[\w&]|[-'’.:&](?=[^\W_]))*")
_QUOTED = re.compile(r"[\"“„«「『]([^\"“”„«»「」『』\n]{2,40})[\"”“»」』]")
# Lowercase words inside a name ("Bank of America", "Casa da Moeda"); conjunctions are not, so two names joined
# by "and" stay two.
PARTICLES = frozenset({"of", "de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der",
                       "den", "bin", "al", "la", "le", "&"})
MAX_WORDS = 5
# Languages whose orthography capitalises every noun: there a single capitalised word is no evidence of a name.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
# Languages that write compound nouns as one word, the head last ("Softwarekonzern", "teknikföretaget").
COMPOUNDING = frozenset({"de", "lb", "nl", "af", "da", "no", "sv", "is", "fi", "et"})
# Cased languages whose verb ends the clause, its subject set off by a comma ("Roe, … söyledi").
VERB_FINAL = frozenset({"tr"})
# A Turkish or Finnish case ending after an apostrophe or colon ("Acme'nin", "AP:n"): not part of the name.
_CASE_ENDING = re.compile(r"[':’][^\W\d_]{1,5}$")


def capitalised(word: str) -> bool:
    """A word a cased script writes with a capital because it names something ("Acme", "ACME", "Data4")."""
    return word[0].isupper()


def _words(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, lo, hi))


def _run_from(words: list[re.Match[str]], i: int, text: str) -> tuple[int, int] | None:
    """The capitalised run starting at words[i]: capitalised words joined by one space (or a particle)."""
    if not capitalised(words[i].group()):
        return None
    end, j, count = i, i + 1, 1
    while j < len(words) and count < MAX_WORDS:
        gap = text[words[j - 1].end():words[j].start()]
        if gap not in (" ", "\u00a0", "-"):
            break
        word = words[j].group()
        if capitalised(word):
            end, count = j, count + 1
        elif word.casefold() not in PARTICLES or j + 1 >= len(words) or not capitalised(words[j + 1].group()):
            break
        j += 1
    return words[i].start(), words[end].end()


def name_after(text: str, pos: int, hi: int, *, skip: int = 0) -> tuple[int, int] | None:
    """The capitalised run that starts after `pos` (before `hi`), with at most `skip` lowercase words and no
    punctuation but spaces between: "said the prime minister Jane Roe" with skip=3."""
    if not any(w[:1].isupper() for w in text[pos:min(hi, pos + 60)].split()[:skip + 1]):
        return None  # the common case, told without a regex
    # the words read: up to `skip` before the run, and the run's (a particle between two of its words at most)
    words: list[re.Match[str]] = []
    for word in _WORD.finditer(text, pos, min(hi, pos + 200)):
        words.append(word)
        if len(words) > skip + 2 * MAX_WORDS + 1:
            break
    for i, w in enumerate(words):
        gap = text[words[i - 1].end() if i else pos:w.start()]
        if gap.strip(" \u00a0\t:–—-\"“”„«»") or i > skip:
            return None
        if capitalised(w.group()):
            return _run_from(words, i, text)
    return None


_SPACES = re.compile(r"[\s\u00a0]*")
_NO_GAP = re.compile("")


def name_before(text: str, pos: int, lo: int, *, gap: re.Pattern[str] = _SPACES) -> tuple[int, int] | None:
    """The capitalised run that ends just before `pos` (after `lo`), separated from it only by `gap`."""
    # the common case, a lowercase word before (past the gap's spaces and comma), told without a regex
    last = text[max(lo, pos - 40):pos].rstrip(" \t\n\u00a0,").rsplit(None, 1)
    if not last or not last[-1][:1].isupper():
        return None
    words = _words(text, max(lo, pos - 80), pos)
    if not words or not gap.fullmatch(text, words[-1].end(), pos):
        return None
    j = len(words) - 1
    if not capitalised(words[j].group()):
        return None
    start = j
    while start > 0:
        between = text[words[start - 1].end():words[start].start()]
        prev = words[start - 1].group()
        if between not in (" ", "\u00a0", "-") or len(words) - start >= MAX_WORDS:
            break
        if capitalised(prev):
            start -= 1
        elif prev.casefold() in PARTICLES and start > 1 and capitalised(words[start - 2].group()) \
                and text[words[start - 2].end():words[start - 1].start()] == " ":
            start -= 2
        else:
            break
    return words[start].start(), words[j].end()


def subject_before(text: str, lo: int, pos: int) -> tuple[int, int] | None:
    """The last capitalised run between `lo` and `pos` that a comma follows: a verb-final clause's subject."""
    best = None
    for m in re.finditer(r",", text[max(lo, pos - 240):pos]):
        comma = max(lo, pos - 240) + m.start()
        if span := name_before(text, comma, max(lo, pos - 240), gap=_NO_GAP):
            best = span
    return best


def quoted_after(text: str, pos: int, hi: int) -> tuple[int, int] | None:
    """A name in quotation marks within a few words after `pos`: uncased scripts mark names so ("شركة "أكمي"")."""
    m = _QUOTED.search(text, pos, min(hi, pos + 60))
    if m is None or len(m.group(1).split()) > 4 or re.search(r"[.!?。،,]", text[pos:m.start()]):
        return None
    return m.start(1), m.end(1)


def clean(name: str) -> str:
    """The name without a case ending written after an apostrophe or colon ("Acme'nin" -> "Acme")."""
    return _CASE_ENDING.sub("", name).strip(" -")


@cache
def places(lang: str) -> dict[str, str]:
    """Country and region names in the language and in English (CLDR), folded, with their region code."""
    names: dict[str, str] = {}
    for locale in _english_and(lang):  # the language's own name wins where both spell one name
        names.update((fold(n), region) for region, n in locale.territories.items())
    return names


def _english_and(lang: str) -> Iterator[Locale]:
    """CLDR's English locale, then the language's own where CLDR has one."""
    for code in ("en", lang):
        try:
            yield Locale.parse(code.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue


@cache
def weekdays(lang: str) -> frozenset[str]:
    """The names of the days of the week in the language and in English (CLDR), folded: "said on Monday" names
    a day, never a party."""
    names: set[str] = set()
    for locale in _english_and(lang):
        for context in ("format", "stand-alone"):
            names.update(fold(n) for n in locale.days[context]["wide"].values())
    return frozenset(names)


@cache
def place_names(lang: str) -> frozenset[str]:
    """A place that invests is a public actor, never a company."""
    return frozenset(places(lang))


# A masculine name declined with these endings has a consonant stem ("Clark-em"); a vowel before the ending
# means the ending is part of the name ("Nováková", "Ewa").
_VOWELS = frozenset("aeiouyáéíóúýěąęůаеиоуыэюяіє")


def inflected(text: str, stem: str, endings: dict[str, list[str]], limit: int = 8) -> Iterator[tuple[int, int]]:
    """Where the article writes `stem` as a whole word, bare or with a listed case ending: (start, end) of the
    written form, at most `limit` places."""
    forms = ("", *endings.get("always", ()), *endings.get("attested", ()))
    start, found = text.find(stem), 0
    while start >= 0 and found < limit:
        end = tail = start + len(stem)
        while tail < len(text) and text[tail].isalpha() and tail - end <= 4:
            tail += 1
        if not (start and text[start - 1].isalpha()) and text[end:tail] in forms:
            found += 1
            yield start, tail
        start = text.find(stem, start + 1)


def _attested(text: str, word: str, stem: str, endings: dict[str, list[str]]) -> bool:
    """Whether the article writes `stem` bare or with another listed ending (a few places looked at)."""
    return any(text[start:end] != word for start, end in inflected(text, stem, endings, 12))


def _declined(word: str, kind: str, endings: dict[str, list[str]]) -> str | None:
    """The stem of `word` before one of its `kind` endings, after a consonant; None where it has none."""
    for ending in endings.get(kind, ()):
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and stem[-1].lower() not in _VOWELS:
            return stem
    return None


def base_word(text: str, word: str, endings: dict[str, list[str]], *, sure: bool = False) -> str:
    """A name's word without its case ending: an ending no personal name's nominative has, where the whole name
    is so declined (`sure`: "Tomem Clarkem" -> "Tom Clark"), or any listed ending where the article also
    writes the name otherwise ("Clarka" beside "Clarkem"). Alone, an "always" ending is no proof: companies'
    nominatives end so ("Газпром", "Telekom")."""
    for kind in ("always", "attested"):
        stem = _declined(word, kind, endings)
        if stem and ((sure and kind == "always") or _attested(text, word, stem, endings)):
            return stem
    return word


def base_name(text: str, name: str, endings: dict[str, list[str]]) -> str:
    """Each word of a name in its base form (the languages that decline names; others as written)."""
    if not endings:
        return name
    words = name.split()
    sure = len(words) > 1 and all(_declined(w, "always", endings) for w in words)
    return " ".join(base_word(text, w, endings, sure=sure) for w in words)
