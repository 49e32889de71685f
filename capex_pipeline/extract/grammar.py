"""One grammar for money amounts, instantiated per language from its lexicon and compiled once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from babel.numbers import get_group_symbol

from .keywords import Scanner, Table
from .lexicon import Lexicon, alternation, lexicon, shared_table
from .names import COMPOUNDING
from .wordkeys import ARABIC_FOLD, fold

# Digits as written (any script is folded to ASCII first): in scientific notation ("1e9", read and noted),
# grouped by threes, in Indian lakh grouping (1,00,000), or plain, with an optional decimal part.
_SCI = r"\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}(?!\w|[.,]\d)"
_NUM = (rf"{_SCI}|\d{{1,2}}(?:,\d\d)+,\d{{3}}(?!\d)(?:\.\d+)?"
        r"|\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
# Where the locale groups digits with a space (fr "1 500", sv/nb "1 000"), a plain space groups them too.
_NUM_SPACED = rf"{_SCI}|\d{{1,3}}(?:[,.\u00a0\u202f ]\d{{3}})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_TAIL_NUM = r"\d+(?:[.,]\d+)?"
# Where a currency name may follow an amount: a run of letters (and the spaces, hyphens and dots inside
# names). The name itself is looked up in the lexicon in Python, longest first, so the pattern stays small
# however many names CLDR has ("dolarów amerykańskich", "ดอลลาร์สหรัฐ").
_NAME_CHAR = r"[^\s\d,;:!?()\[\]{}“”«»„/|<>。、，．！？（）「」【】]"
_NAME_RUN = rf"[^\W\d_]{_NAME_CHAR}{{0,40}}(?:[ \u00a0][^\W\d_]{_NAME_CHAR}{{0,30}}){{0,3}}"
_SP = r"[ \u00a0]?"
# A letter or a combining mark (Bengali and Devanagari vowel signs are not \w): a word's inflection, never a
# digit, space or punctuation (the danda "।" that ends a Hindi or Bengali sentence lies among those scripts' marks).
_MARKS = "".join(c for c in map(chr, range(0x300, 0x10A0)) if unicodedata.category(c).startswith("M"))
_GLUED = rf"(?:[^\W\d_]|[{re.escape(_MARKS)}])"


def _case_sensitive_scales(words: list[str], *, endings: bool) -> str:
    """Single-letter abbreviations (B, M, T) only in capitals and glued to the number; words in any case."""
    short = [w for w in words if len(w) == 1 and w.isascii()]
    long_ = [w for w in words if not (len(w) == 1 and w.isascii())]
    alt = alternation(long_, ignore_case=True, endings=endings, start=False)
    if short:
        alt += "|" + "|".join(rf"(?<=\d){re.escape(w)}(?![^\W\d_])" for w in short)
    return alt


def _marks(marks: list[str]) -> str:
    """Symbols and ISO codes, exactly as written; a one-letter Latin symbol (R for rand) only glued to digits."""
    single = [m for m in marks if len(m) == 1 and m.isascii() and m.isalpha()]
    rest = alternation([m for m in marks if m not in single])
    return rest + (f"|(?<![A-Za-z])[{''.join(single)}](?=\\d)" if single else "")


# The amount pattern's groups, in its order: `match.groups()` gives their values so, one call where a lookup by
# name per group cost more than the pattern's match (about ten per article)
AMOUNT_GROUPS = ("pre", "first", "num", "word", "lone", "cjk", "scale", "post", "name")


@dataclass(frozen=True)
class Grammar:
    lex: Lexicon
    amount: re.Pattern[str]
    pre_reach: int  # the longest currency mark or word that can stand before a number, and its space
    malformed: re.Pattern[str]
    mark_before: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    qualifier_word: re.Pattern[str]
    qualifier_kind: dict[str, str]
    range_gap: re.Pattern[str]
    range_opener: re.Pattern[str]
    range_and: re.Pattern[str]
    range_ahead: re.Pattern[str]
    # a whole number and "and" just before a half ("två och en halv miljard"): the half adds to it; two digits
    # at most, so that a year before "and" ("300 miljoner 2024 och en halv miljard 2025") is never one
    whole_before: re.Pattern[str]
    tail_token: re.Pattern[str]
    # a scale word, past the optional space, where a number word ends ("two billion"), a singular scale word
    # or a currency mark where one begins: the only ways a number word opens an amount outside the
    # scale-first languages
    scale_after: re.Pattern[str]
    lone_at: re.Pattern[str]
    mark_at: re.Pattern[str]
    conversion_gap: re.Pattern[str]  # "150 billion yuan ($": an opening parenthesis and a few words
    restatement_gap: re.Pattern[str]  # ", soit ", " i.e. ": a connector word, no digit, no sentence end
    non_money_after: re.Pattern[str]
    # a year in digits is found by years.explicit_years; year and month words are keywords
    month_numbers: re.Pattern[str] | None  # "4月", where the language writes months so
    era_years: re.Pattern[str] | None  # "ปี 2568", where the press counts years in another era
    year_comparison: re.Pattern[str]
    year_comparison_after: re.Pattern[str]
    year_horizon: re.Pattern[str]
    # whole-article keyword tables, found in one pass: where an amount can start without a digit
    # (number_word, lone_scale: see `amount`), and the context words (metric, weak_metric, company,
    # public_actor, source, statement_cue, company_pronoun, year_rel, month, quarter, current_period,
    # company_noun, legal_form, split_verb, and attribution, which counts only in a sentence with an amount)
    keywords: Scanner
    metric_of: dict[str, str]
    company_of: dict[str, str]
    suppliers: frozenset[str]
    abbreviations: frozenset[str]
    source_of: dict[str, str]
    attribution: re.Pattern[str]
    citing: re.Pattern[str]  # "citing", "со ссылкой на": the party named next is the one cited
    # words that are never a party's name though written capitalised: public bodies, company nouns, legal forms
    not_names: frozenset[str] = frozenset()
    postpositions: frozenset[str] = frozenset()  # attribution markers written after the party's name
    attributed_only: frozenset[str] = frozenset()  # sources that count only with an attribution marker
    auxiliary_before: re.Pattern[str] | None = None  # an auxiliary ending where an investment word starts
    aggregates: frozenset[str] = frozenset()  # "other" words that name a market or economy, no one's figure
    # a word closed by a company noun where nouns compound ("Softwarekonzern"): a descriptor, never a name
    compound_noun: re.Pattern[str] | None = None
    company_nouns: frozenset[str] = frozenset()
    legal_forms: frozenset[str] = frozenset()
    # what may stand between two parties named in a row: a comma or an "and" ("Google, Microsoft and Apple")
    list_gap: re.Pattern[str] = re.compile(r"[ \u00a0]*[,、，][ \u00a0]*")
    # separable statement verbs whose particle closes the clause ("maakte Acme bekend"): the verb (a keyword,
    # `split_verb`) -> the pattern of its particle within a few words of the same clause after it
    split_particle: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # what the extractor derives from these words once per grammar (its prefilters), kept here so that it lives
    # and goes with the grammar (reload_lexicons builds new ones): name -> object
    derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


def letter_cases(ch: str) -> tuple[str, str, str]:
    """A letter as written, in capitals and in lower case: what a first-character class lists for it."""
    return ch, ch.upper(), ch.lower()


def _split_particles(pairs: list[list[str]]) -> dict[str, re.Pattern[str]]:
    """Each separable verb's particles, as a pattern matched right after the verb: one to six words of the
    same clause, then the particle as a whole word."""
    particles: dict[str, list[str]] = {}
    for verb, particle in pairs:
        particles.setdefault(fold(verb), []).append(particle)
    return {verb: re.compile(rf"(?:[\s\u00a0]+[^\s.!?;:,]+){{1,6}}?[\s\u00a0]+(?:{alternation(ps, ignore_case=True)})"
                             rf"(?![^\W\d_])", re.IGNORECASE) for verb, ps in particles.items()}


def _alias_table(table: dict[str, list[str]]) -> dict[str, str]:
    return {fold(alias): name for name, aliases in table.items() for alias in aliases}


@cache
def grammar(lang: str) -> Grammar:
    lex = lexicon(lang)
    units = "".join(re.escape(u) for u in lex.cjk_units)
    cjk = rf"(?:[{units}]+(?: ?\d+(?:[.,]\d+)?(?=[{units}]))?)+"
    words = alternation(lex.number_words, ignore_case=True, prefix=True)  # "félmilliárd": glued to its scale
    scales = _case_sensitive_scales(list(lex.scales), endings=lex.inflects)
    connectors = "|".join(re.escape(c) for c in lex.currency_connectors)
    marks = _marks(list(lex.currency_marks))
    pre = f"{marks}|{alternation(lex.prefix_words, ignore_case=True)}"
    lone = alternation(lex.singular_scales, ignore_case=True, endings=lex.inflects)
    currency = rf"(?P<post>{marks})|(?=(?P<name>{_NAME_RUN}))"
    # where the scale word comes first, it stands between the currency and the number ("dola milioni 500")
    first = rf"(?:(?P<first>{scales}){_SP})?" if lex.scale_first else "(?P<first>)"
    scale_first = rf"(?:(?:{scales}){_SP})?" if lex.scale_first else ""  # the same, for the mark search below
    # a number word stands before its scale word ("two billion"), or after it where the scale comes first
    # ("dola bilioni mbili"), then alone: a compound ("bilioni kumi na tano", fifteen) is no figure of its first word
    word_end = rf"(?={_SP}(?:{scales}))"
    if lex.scale_first:
        word_end = rf"(?(first)(?![^\W\d_])(?!{_SP}[^\W\d_]+{_SP}(?:{words})(?![^\W\d_]))|{word_end})"
    # a singular scale word alone before a currency is one of it ("miljardin euron", "Milliarde Euro"); where the
    # scale comes first, one after a currency is no figure without its number ("dola bilioni" alone)
    lone_start = r"(?(pre)(?!))" if lex.scale_first else ""
    amount = re.compile(
        rf"(?<![A-Za-z0-9_.,])"
        rf"(?:(?P<pre>{pre}){_SP}{first})?"
        rf"(?:(?P<num>{_NUM_SPACED if get_group_symbol(lex.locale).isspace() else _NUM})(?![.,]?\d)"
        rf"|(?P<word>{words}){word_end}"
        rf"|{lone_start}(?<![-\w])(?P<lone>)(?=(?:{lone}){_SP}))"
        rf"(?P<cjk>{cjk})?"
        # scale words, several in a row ("हजार करोड़") or with more digits between ("2 mld 800 mln")
        rf"(?:(?(pre)[ \u00a0-]?|{_SP})(?:{alternation(lex.scale_connectors)})?"  # "$100-billion fund"
        rf"(?P<scale>(?:{scales})(?:{_SP}(?:{_TAIL_NUM}{_SP})?(?:{scales}))*))?"
        rf"(?:{_SP}(?:{connectors})?(?:{currency}))?"
    )
    if tuple(amount.groupindex) != AMOUNT_GROUPS:
        raise AssertionError(f"the amount pattern's groups are {tuple(amount.groupindex)}, not AMOUNT_GROUPS")
    # digits with two or more separators ("1.2.3 billion"): refused where money words are beside them
    malformed = re.compile(r"(?<![A-Za-z0-9_.,])\d+(?:[.,]\d+){2,}")
    # a mark ending just before the amount's first character: searched up to that character, included, so
    # marks that look ahead at the number ("R5 billion") see it
    mark_before = re.compile(rf"(?:{pre}){_SP}{scale_first}(?=[\s\S]\Z)")
    qualifier_kind: dict[str, str] = {}
    for kind, table in (("before", lex.qualifiers), ("after", lex.qualifiers_after)):
        for q, ws in table.items():
            for w in ws:
                qualifier_kind.setdefault(f"{kind}:{fold(w)}", q)
    before_alt = alternation([w for ws in lex.qualifiers.values() for w in ws], ignore_case=True)
    # the characters a qualifier before the number can begin with, in the alternation's case rule: asserted first,
    # so the search of a window passes over each position where none begins at the cost of one class test
    # (instead of entering the repeat and each of the alternation's branches)
    before_firsts = sorted({c for ws in lex.qualifiers.values() for w in ws if w
                            for c in letter_cases(w.casefold().translate(ARABIC_FOLD)[0])})
    before_start = f"(?i:(?=[{''.join(map(re.escape, before_firsts))}]))" if before_firsts else ""
    determiners = alternation(lex.determiners, ignore_case=True)
    after_alt = alternation([w for ws in lex.qualifiers_after.values() for w in ws], ignore_case=True)
    approx = alternation(lex.qualifiers.get("approx") or [], ignore_case=True)
    metrics = shared_table("metrics")
    entities = shared_table("entities")
    comparison = alternation(lex.year_comparison, ignore_case=True)
    strong = {m: ws for m, ws in metrics.items() if m not in ("weak", "aggregates")}
    suppliers = entities["suppliers"]  # canonical name -> aliases; a plain list (a user's overlay) names itself
    suppliers = {s: [s] for s in suppliers} if isinstance(suppliers, list) else suppliers
    english = lexicon("en")
    keywords = Scanner({
        "number_word": Table(tuple(lex.number_words), ignore_case=True, prefix=True),
        "lone_scale": Table(tuple(lex.singular_scales), ignore_case=True, endings=lex.inflects),
        "metric": Table(tuple(w for ws in strong.values() for w in ws), ignore_case=True, prefix=True),
        "weak_metric": Table(tuple(w for ws in metrics["weak"].values() for w in ws), ignore_case=True, prefix=True),
        "company": Table(tuple(a for table in (entities["companies"], suppliers) for aliases in table.values()
                               for a in aliases)),
        "public_actor": Table(tuple(entities["public_actors"])),
        "source": Table(tuple(a for aliases in entities["sources"].values() for a in aliases)),
        "statement_cue": Table(tuple([*lex.statement_cues, *(english.statement_cues if lex.lang != "en" else [])]),
                               ignore_case=True),
        "company_pronoun": Table(tuple([*lex.company_pronouns,
                                        *(english.company_pronouns if lex.lang != "en" else [])])),
        "year_rel": Table(tuple(lex.year_words), ignore_case=True),
        "month": Table(tuple(lex.months), ignore_case=True),
        "quarter": Table(tuple(lex.quarters), ignore_case=True),
        "current_period": Table(tuple(lex.current_period), ignore_case=True),
        # names read beside them (company nouns, legal forms), or attribution words of the sentences with an
        # amount (see `parties.window_words`)
        "company_noun": Table(tuple(entities.get("company_nouns") or ()), ignore_case=True),
        # where nouns compound, a company noun closing a longer word ("Chiphersteller Acme", "techbedrijf Acme")
        **({"compound_noun": Table(tuple(entities["compound_heads"]), start=False)}
           if lex.lang in COMPOUNDING else {}),
        "legal_form": Table(tuple(entities.get("legal_forms") or ())),
        "attribution": Table(tuple(entities["attribution_markers"]), ignore_case=True),
        # only where the language has them: an empty table still costs its share of every scan
        **({"split_verb": Table(tuple(v for v, _ in lex.split_cues), ignore_case=True)} if lex.split_cues else {}),
        # where a link may begin (see `amounts._URL`), anywhere in a word: found in the same pass, not by two
        # more searches of every article for the few that hold one
        "link": Table(("://", "www."), start=False, prefix=True),
    })
    pre_words = [*lex.currency_marks, *lex.prefix_words]
    conjunctions = "|".join(map(re.escape, [*lex.list_conjunctions, "&"]))
    long_connectors = alternation([c for c in lex.conversion_connectors if len(c) >= 6], ignore_case=True)
    return Grammar(
        lex=lex,
        amount=amount,
        pre_reach=max(map(len, pre_words), default=0) + 1 + (max(map(len, lex.scales), default=0) + 1
                                                             if lex.scale_first else 0),
        malformed=malformed,
        mark_before=mark_before,
        # a qualifier just before the number, or before an article that stands before it ("hasta los 200")
        qualifier_before=re.compile(rf"{before_start}(?:(?:{before_alt})(?:[\s\u00a0]+(?:{determiners}))?"
                                    rf"[\s\u00a0(（:]*)+$"),
        # after the amount, or after the parenthesis of its conversion: "3兆ドル(約450兆円)以上"; a case ending or
        # particle glued to the amount's last word comes first, before a space ("৮০ বিলিয়ন ডলারের বেশি",
        # "1조 원을 넘어", "10 milyar dolardan fazla"), or set off by an apostrophe after an abbreviation
        # ("12 milyar TL'den fazla")
        qualifier_after=re.compile(rf"^(?:['’]?{_GLUED}{{1,4}}(?=[ \t\u00a0]))?[ \t\u00a0)）]*(?:{after_alt})"),
        qualifier_word=re.compile(before_alt + "|" + after_alt),
        qualifier_kind=qualifier_kind,
        range_gap=re.compile(rf"^{_SP}(?:{alternation(lex.range_connectors)}){_SP}$"),
        range_opener=re.compile(rf"(?:{alternation([b for b, _ in lex.range_between], ignore_case=True)})\s*$"),
        range_and=re.compile(rf"^\s*(?:{alternation([a for _, a in lex.range_between], ignore_case=True)})\s*$"),
        whole_before=re.compile(rf"(?<![\w.,])(?:(?P<n>\d{{1,2}})|(?P<w>{words}))"
                                rf"[ \u00a0]+(?:{conjunctions})[ \u00a0]+\Z", re.IGNORECASE),
        range_ahead=re.compile(rf"{_SP}(?:{alternation([*lex.range_connectors, *(a for _, a in lex.range_between)])})"
                               rf"{_SP}[^\s\d]{{0,4}}{_SP}\d"),
        tail_token=re.compile(rf"(?P<n>{_TAIL_NUM})|(?P<u>{scales})"),
        scale_after=re.compile(rf"{_SP}(?:{scales})"),
        lone_at=re.compile(rf"(?<![-\w])(?:{lone}){_SP}"),
        mark_at=re.compile(pre),
        conversion_gap=re.compile(r"^[\s\u00a0]*[(（][^()（）\d]{0,16}$"),
        # the sentence may not end on either side of the connector (its own dots, "i.e.", "т.е.", are no end),
        # unless the next sentence opens with it ("… 90 bn kronor. That is about 8 bn euros"); an
        # apposition of the amount with an approximation word is one too ("5.000 millones de reales, unos …")
        restatement_gap=re.compile(rf"^(?=[^\d\n]{{0,40}}$)(?:[^\d\n.!?。]*?"
                                   rf"(?:{alternation(lex.conversion_connectors, ignore_case=True)})"
                                   # a new sentence opens with a connector of some length, never a bare "or"
                                   rf"|[ \u00a0]*[.!?][ \u00a0]+"
                                   rf"(?:{long_connectors}))"
                                   rf"[^\d\n.!?。]*$"
                                   rf"|^(?P<apposition>[ \u00a0]*[,，、][ \u00a0]*(?:{approx})[ \u00a0]*)$"),
        non_money_after=re.compile(rf"^[\s\u00a0]*(?:{alternation(lex.non_money_nouns, ignore_case=True)})"),
        month_numbers=re.compile(lex.numeric_month) if lex.numeric_month else None,
        era_years=re.compile(lex.era_year) if lex.era_year else None,
        year_comparison=re.compile(comparison),
        year_comparison_after=re.compile(rf"(?:년도|년|年度|年)?[\s\u00a0]*(?:{comparison})"),
        year_horizon=re.compile(alternation(lex.year_horizon, ignore_case=True)),
        keywords=keywords,
        metric_of={fold(w): m for m, ws in [*strong.items(), *metrics["weak"].items()] for w in ws},
        company_of=_alias_table(entities["companies"]) | _alias_table(suppliers),
        suppliers=frozenset(s.casefold() for s in suppliers),
        # "Mrd.", "ca.", "Rs.": a period that ends one of these does not end the sentence
        abbreviations=frozenset(w[:-1].casefold() for w in [*lex.scales, *lex.currency_words, *lex.currency_marks,
                                                              *(q for qs in lex.qualifiers.values() for q in qs)]
                                if w.endswith(".")),
        source_of=_alias_table(entities["sources"]),
        attribution=re.compile(alternation(entities["attribution_markers"], ignore_case=True)),
        citing=re.compile(alternation(entities.get("citing_markers") or (), ignore_case=True)),
        not_names=frozenset(fold(w) for w in [*entities["public_actors"], *(entities.get("company_nouns") or ()),
                                               *(entities.get("legal_forms") or ())]),
        postpositions=frozenset(fold(w) for w in entities.get("attribution_postpositions") or ()),
        attributed_only=frozenset(entities.get("attributed_only") or ()),
        auxiliary_before=re.compile(rf"(?<![^\W\d_])(?:{alternation(lex.auxiliaries, ignore_case=True)})[ \u00a0]+$")
        if lex.auxiliaries else None,
        aggregates=frozenset(fold(w) for w in metrics.get("aggregates") or ()),
        company_nouns=frozenset(fold(w) for w in entities.get("company_nouns") or ()),
        legal_forms=frozenset(fold(w) for w in entities.get("legal_forms") or ()),
        compound_noun=re.compile(rf"[^\W\d_](?:{'|'.join(map(re.escape, entities['compound_heads']))})$")
        if lex.lang in COMPOUNDING else None,
        list_gap=re.compile(rf"[ \u00a0]*(?:[,、，][ \u00a0]*|(?:{conjunctions})[ \u00a0]*)"),
        split_particle=_split_particles(lex.split_cues),
    )
