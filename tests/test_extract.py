"""The extractor on the seeds and on focused language features."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capex_pipeline.evaluate import evaluate, evaluate_many
from capex_pipeline.extract import extract

from .conftest import GOLD, SEEDS, extract_folder, read_folder


def test_seed_scores_meet_the_bar() -> None:
    total, by_lang = evaluate(GOLD / "seeds.jsonl", SEEDS)
    assert total.precision >= 0.95, total.misses
    assert total.recall >= 0.95, total.misses
    assert set(by_lang) == {"ko", "en", "no", "de"}


def test_seeds_and_dev_together_meet_the_targets() -> None:
    # field targets of the first round were set with the gold metadata lent to the articles
    total, by_lang = evaluate_many([(GOLD / "seeds.jsonl", SEEDS), (GOLD / "dev.jsonl", GOLD / "dev" / "articles")],
                                   gold_metadata=True)
    assert total.precision >= 0.97 and total.recall >= 0.95, total.misses
    # company 0.86 and source 0.87 before the names only gold articles needed (Rapidus, KDDI, ...) left the
    # entity table; statements are attributed through the company, so source fell with it. Company 0.80 and
    # source 0.87 once every language had its company spellings, outlets, statement cues and pronouns
    for name, floor in {"qualifier": 0.9, "year": 0.9, "metric": 0.85, "company": 0.8, "source": 0.85}.items():
        assert total.accuracy(name) >= floor, (name, [m for m in total.misses if f" {name}:" in m])
    assert {"en", "de", "no", "sv", "fr", "es", "ko", "zh", "ja"} <= set(by_lang)


def _one(text: str, lang: str, **kw: object) -> tuple[float, str | None, str]:
    found = extract(text, lang=lang, **kw)
    assert len(found) == 1, found
    return found[0].value, found[0].currency, found[0].qualifier


@pytest.mark.parametrize(("text", "lang", "value", "currency"), [
    ("올해 1,500억 위안을 투자", "ko", 1.5e11, "CNY"),
    ("메타가 6천억 달러를", "ko", 6e11, "USD"),
    ("약 874조7천400억원", "ko", 8.7474e14, "KRW"),
    ("omtrent 5,7 milliarder dollar fra", "no", 5.7e9, "USD"),
    ("bis zu 7 Milliarden US-Dollar berichtet", "de", 7e9, "USD"),
    ("plans to spend over $12 billion on", "en", 12e9, "USD"),
    ("拿出超过3800亿元人民币用于", "zh", 3.8e11, "CNY"),
    ("追加出資3.5兆円", "ja", 3.5e12, "JPY"),
    ("supérieur à cinq milliards d'euros.", "fr", 5e9, "EUR"),
    ("aproximadamente 1,4 billones de dólares", "es", 1.4e12, "USD"),
    ("a unos 20.000 millones de dólares", "es", 2e10, "USD"),
    ("för 95 miljarder kronor i", "sv", 9.5e10, "SEK"),
    ("nearly Rs 1.33 lakh crore into", "en", 1.33e12, "INR"),
    ("a package worth JPY10 trillion", "en", 1e13, "JPY"),
])
def test_amounts_by_language(text: str, lang: str, value: float, currency: str) -> None:
    got_value, got_currency, _ = _one(text, lang)
    assert got_value == pytest.approx(value)
    assert got_currency == currency


@pytest.mark.parametrize(("text", "lang"), [
    ("behandler over 50 billioner tokens per dag", "no"),
    ("das laut Daten von Quest Mobile monatlich 75 Millionen aktive Nutzer verzeichnet", "de"),
    ("Nvidias H20-KI-Chips und H200 im Jahr 2025, 60% der Bestellungen", "de"),
    ("GPU를 130만개 이상 갖출", "ko"),
])
def test_non_money_numbers_are_not_money(text: str, lang: str) -> None:
    assert extract(text, lang=lang) == []


def test_stated_conversion_is_paired_both_ways() -> None:
    en = extract("plans to invest over 150 billion yuan ($20.64 billion) in capex this year", lang="en",
                 published=date(2025, 1, 23))
    assert [(m.currency, m.usd_stated) for m in en] == [("CNY", 20.64e9), ("USD", None)]
    assert en[0].qualifier == "min" and en[0].year == 2025 and en[0].metric == "capex"
    no = extract("vil nå 14 milliarder dollar (omtrent 100 milliarder yuan), en økning", lang="no")
    assert [(m.currency, m.usd_stated) for m in no] == [("USD", None), ("CNY", 14e9)]
    assert no[1].qualifier == "approx"


@pytest.mark.parametrize(("text", "lang", "low", "high", "currency"), [
    ("자본 지출이 600억∼650억 달러 수준이 될 것", "ko", 6e10, 6.5e10, "USD"),
    ("capex of $30 billion to $70 billion", "en", 3e10, 7e10, "USD"),
    ("capex of $64-72 billion this year", "en", 6.4e10, 7.2e10, "USD"),
    ("between $30 and $70 billion", "en", 3e10, 7e10, "USD"),
    ("a 15-20 billion yuan plan", "en", 1.5e10, 2e10, "CNY"),
])
def test_range_gives_min_and_max(text: str, lang: str, low: float, high: float, currency: str) -> None:
    found = extract(text, lang=lang)
    assert [(m.value, m.currency, m.qualifier) for m in found] == [(low, currency, "min"), (high, currency, "max")]


@pytest.mark.parametrize("text", ["between 2024 and 2025 it grew", "from 2024 to 2025", "5-10 units", "H100-200"])
def test_year_and_count_ranges_are_not_money(text: str) -> None:
    assert extract(text, lang="en") == []


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_extractor_never_raises_and_quotes_match_offsets(text: str) -> None:
    for lang in ("en", "ko", "de"):
        for m in extract(text, lang=lang):
            assert text[m.start:m.end] == m.quote


@given(st.lists(st.sampled_from(["$", "12", "1,500", "억", " billion", " yuan", "(", ")", "約", "万亿", " ",
                                 "5,7", " milliarder", " dollar", "over ", "最大", "兆円", "~", "x"]), max_size=30))
@settings(max_examples=300, deadline=None)
def test_extractor_on_money_like_noise(parts: list[str]) -> None:
    text = "".join(parts)
    for lang in ("en", "ko", "ja", "no"):
        for m in extract(text, lang=lang):
            assert text[m.start:m.end] == m.quote
            assert m.value > 0 and m.currency


def test_seed_quotes_reproduce_offsets() -> None:
    from capex_pipeline.articles import Article, read_corpus
    from capex_pipeline.extract import extract_article

    for article in read_corpus(SEEDS):
        assert isinstance(article, Article)
        for m in extract_article(article):
            assert article.text[m.start:m.end] == m.quote


def test_lexicons_come_from_cldr_and_overlays() -> None:
    from capex_pipeline.extract.lexicon import lexicon

    assert lexicon("de").scale_of("Billionen") == 1e12  # CLDR: German is long-scale
    assert lexicon("en").scale_of("billion") == 1e9
    assert lexicon("no").scale_of("billioner") == 1e12
    assert lexicon("da").currency_of("kroner") == ("DKK", "name")
    assert lexicon("pl").currency_of("zł") == ("PLN", "symbol")
    assert lexicon("kr").lang == "ko"


def test_a_language_is_added_by_data_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Galician is not shipped: one overlay file naming its CLDR locale makes it a registered language, and
    a user's extra word for a shipped language takes effect without editing the package."""
    from capex_pipeline.extract import reload_lexicons
    from capex_pipeline.extract.registry import languages, normalize_lang

    (tmp_path / "gl.yaml").write_text("locale: gl\ncurrency_words: {reais: BRL}\ncurrency_connectors: [\"de \"]\n",
                                      encoding="utf-8")
    (tmp_path / "en.yaml").write_text("currency_words: {greenbacks: USD}\n", encoding="utf-8")
    assert "gl" not in languages()
    monkeypatch.setenv("CAPEX_LEXICONS", str(tmp_path))
    reload_lexicons()
    try:
        assert "gl" in languages() and normalize_lang("gl-ES") == "gl"
        found = extract("A empresa investirá 5.000 millóns de reais en centros de datos.", lang="gl")
        assert [(m.value, m.currency) for m in found] == [(5e9, "BRL")]
        assert [m.currency for m in extract("It spent 3 billion greenbacks.", lang="en")] == ["USD"]
    finally:
        monkeypatch.delenv("CAPEX_LEXICONS")
        reload_lexicons()
    assert "gl" not in languages()


@pytest.mark.parametrize(("text", "lang", "qualifier"), [
    ("plans to invest over $5 billion", "en", "min"), ("up to $7 billion", "en", "max"),
    ("about $6.8 billion", "en", "approx"), ("bis zu 7 Milliarden US-Dollar", "de", "max"),
    ("rund 7 Milliarden Euro", "de", "approx"), ("mehr als 7 Milliarden Euro", "de", "min"),
    ("최대 650억 달러를", "ko", "max"), ("500억 달러 안팎", "ko", "approx"), ("3800亿元以上", "zh", "min"),
    ("最大約501億円", "ja", "max"), ("約25.6億円", "ja", "approx"), ("jusqu'à 10 milliards d'euros", "fr", "max"),
    ("närmare 1000 miljarder kronor", "sv", "approx"), ("20 Milliarden US-Dollar", "de", "exact"),
])
def test_qualifiers(text: str, lang: str, qualifier: str) -> None:
    assert _one(text, lang)[2] == qualifier


@pytest.mark.parametrize(("text", "lang", "year"), [
    ("ByteDance plans to spend $12 billion this year.", "en", 2025),
    ("Meta will spend $70 billion next year.", "en", 2026),
    ("ByteDance plant dieses Jahr 20 Milliarden US-Dollar.", "de", 2025),
    ("바이트댄스는 올해 1,500억 위안을 투자한다.", "ko", 2025),
    ("腾讯今年资本支出130亿元。", "zh", 2025),
    ("ByteDance vil bruke 14 milliarder dollar innen 2026.", "no", 2026),
    ("메타의 2024년 실적은 2023년 대비 40% 늘어난 약 380억 달러.", "ko", 2024),
    ("Google will invest $15 billion.", "en", None),
])
def test_years_resolve_with_the_publication_date(text: str, lang: str, year: int | None) -> None:
    (m,) = extract(text, lang=lang, published=date(2025, 1, 23))
    assert m.year == year


def test_metric_company_and_source_from_context() -> None:
    text = ("According to the Financial Times, ByteDance plans to spend 40 billion yuan on AI chips. "
            "Separately, Google said it will put $15 billion into a data centre in India.")
    chips, dc = extract(text, lang="en", published=date(2025, 1, 22))
    assert (chips.metric, chips.company, chips.source) == ("ai_chips", "ByteDance", "Financial Times")
    assert (dc.metric, dc.company, dc.source) == ("ai_infrastructure", "Google", "company statement")
    (gov,) = extract("Japan's government set aside JPY590 billion for chips.", lang="en")
    assert gov.company is None
    (dateline,) = extract("Nueva York (EFE).- OpenAI afirmó que invertirá 1,4 billones de dólares.", lang="es")
    assert dateline.source == "company statement"


def test_english_sentence_in_a_german_article_keeps_short_scale() -> None:
    text = "Der Konzern plant 1 Billion Euro. ByteDance will spend $20 billion on chips this year, Reuters said."
    first, second = extract(text, lang="de")
    assert (first.value, second.value) == (1e12, 2e10)


def test_space_grouped_thousands_where_the_locale_uses_them() -> None:
    assert _one("un plan de 1 500 milliards d'euros", "fr")[0] == 1.5e12
    assert _one("för 1 000 miljarder kronor", "sv")[0] == 1e12


def test_parallel_extraction_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    from capex_pipeline import steps

    articles = read_folder(GOLD / "dev" / "articles", max_bytes=1_000_000)
    serial = extract_folder(articles)
    monkeypatch.setattr(steps, "PARALLEL_MIN_ARTICLES", 1)
    assert extract_folder(articles).equals(serial)
    assert serial.height > 50
    assert gc.get_freeze_count() == 0  # the parent's heap, frozen while the workers fork, is thawed after


def test_extraction_grouped_by_language_keeps_each_article_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from capex_pipeline import articles as reading
    from capex_pipeline.extract import extract_article, extract_grouped, extract_stream, extractor

    texts = [("Orvane plans to spend $4 billion on data centres in 2026.", "en"),
             ("Der Konzern Halvig will 2 Milliarden Euro in Rechenzentren stecken.", "de"),
             ("Quillnet dijo que invertirá 300 millones de euros.", "es"),
             ("No amounts in this one at all.", "en"),
             ("Selskapet skal investere 5 milliarder kroner i datasentre.", "no"),
             ("Brightmoor will invest £1.5bn in AI chips.", "en")]
    batch = [reading.Article(doc=f"{i}.txt", path=f"{i}.txt", sha256=str(i), text=t, encoding="utf-8", lang=lang,
                             lang_basis="sidecar", published=date(2026, 3, 2), date_basis="sidecar", outlet=None,
                             url=None, title=None) for i, (t, lang) in enumerate(texts)]
    one_by_one = [extract_article(a) for a in batch]
    assert sum(map(len, one_by_one)) >= 5
    assert extract_grouped(batch) == one_by_one
    monkeypatch.setattr(extractor, "WINDOW_ARTICLES", 4)  # windows end mid-corpus, by count ...
    streamed = list(extract_stream(iter(batch)))
    assert [a.doc for a, _ in streamed] == [a.doc for a in batch]
    assert [m for _, m in streamed] == one_by_one
    monkeypatch.setattr(extractor, "WINDOW_CHARS", 60)  # ... and by size: a window of one long article
    assert [m for _, m in extract_stream(iter(batch))] == one_by_one


def test_a_specific_keyword_in_the_paragraph_beats_a_generic_word_in_the_sentence() -> None:
    text = ("The group is building three data centres near Oslo. It will invest $2 billion over five years.\n\n"
            "Separately, it plans to invest $1 billion, the company said.")
    first, second = extract(text, lang="en")
    assert (first.metric, second.metric) == ("ai_infrastructure", "capex")


def test_a_headline_rounding_of_a_priced_amount_takes_its_currency() -> None:
    """'3.42 billion' in a title rounds the body's 3,418 million yen: the same figure, so the same currency."""
    text = "Chipmaker adds over 3.42 billion for new fab\n\nThe company will spend 3,418 million yen on the plant."
    title, body = extract(text, lang="en")
    assert (title.currency, title.qualifier, title.amount_id) == ("JPY", "min", body.amount_id)


def test_each_figure_has_one_primary_mention_in_the_body() -> None:
    text = ("---\ntitle: Acme to spend $4 billion\n---\nAcme plans $4 billion for data centres\n\n"
            "Acme said on Monday it would spend $4 billion on data centres, and $1 billion on chips.\n\n"
            "The $4 billion plan runs to 2027.")
    mentions = extract(text, lang="en")
    primary = [(m.quote, m.start) for m in mentions if m.primary]
    body = text.index("Acme said")
    assert primary == [("$4 billion", text.index("$4 billion", body)), ("$1 billion", text.index("$1 billion"))]
    only_title = extract("Acme plans $7 billion for chips\n\nNo figure follows in the body.", lang="en")
    assert [m.primary for m in only_title] == [True]


@pytest.mark.parametrize(("lang", "text", "qualifier"), [
    ("es", "La inversión podría llegar hasta los 800 millones de euros.", "max"),
    ("en", "Spending may rise to up to the $2 billion the board approved.", "max"),
    ("hu", "A beruházás értéke meghaladja a 40 milliárd forintot.", "min"),
    ("pt", "O fundo pode chegar até os 3 bilhões de reais.", "max"),
])
def test_a_qualifier_reaches_its_number_across_an_article(lang: str, text: str, qualifier: str) -> None:
    (m,) = extract(text, lang=lang)
    assert m.qualifier == qualifier


@pytest.mark.parametrize(("text", "lang"), [
    ("The campus will cost an estimated $5 billion.", "en"),
    ("Die Kosten werden auf geschätzt 5 Milliarden Euro beziffert.", "de"),
    ("Projenin maliyeti tahmini 5 milyar dolar.", "tr"),
])
def test_an_estimate_is_the_figure_as_stated(text: str, lang: str) -> None:
    """The gold conventions: "estimated" is no qualifier, unlike the words of approximation."""
    assert [m.qualifier for m in extract(text, lang=lang)] == ["exact"]


def test_a_word_of_approximation_still_qualifies() -> None:
    assert _one("The campus will cost about $5 billion.", "en")[2] == "approx"


@pytest.mark.parametrize("lang", ["en", "de", "ja", "sw", "hi", "fa"])
def test_mark_edges_pass_every_mark_the_search_finds(lang: str) -> None:
    """The character filter before the mark search never hides a mark: every currency mark and prefix word,
    in any case the grammar accepts, written before a number with or without a space, is still found."""
    from capex_pipeline.extract.amounts import _mark_edges
    from capex_pipeline.extract.grammar import grammar

    g = grammar(lang)
    edges = _mark_edges(g)
    words = [*g.lex.currency_marks, *g.lex.prefix_words, *(w.upper() for w in g.lex.prefix_words)]
    for word in filter(None, words):
        for text in (f"( {word} 5", f"( {word}5"):
            start = len(text) - 1
            if g.mark_before.search(text, 0, start + 1):
                assert edges.may_end(text, start), (word, text)
        if g.amount.match(f"{word} 5 "):
            assert edges.may_start(f"( {word} 5", 2), word
    if not g.lex.scale_first:
        assert not edges.may_end("(5", 1)  # no mark ends in "("
        assert not edges.may_end("from 5", 5) and not edges.may_end("in 2025", 3)  # nor in "om", "in"


@pytest.mark.parametrize("lang", ["en", "de", "ja", "th", "ko", "ar"])
def test_qualifier_end_filter_passes_every_qualifier(lang: str) -> None:
    """The character filter before the qualifier search never hides a qualifier or determiner, in any case."""
    from capex_pipeline.extract.conversions import _qualifier_ends
    from capex_pipeline.extract.grammar import grammar

    g = grammar(lang)
    ends = _qualifier_ends(g)
    words = [*(w for ws in g.lex.qualifiers.values() for w in ws), *g.lex.determiners]
    assert words
    for word in words:
        for window in (f"x {word} ", f"x {word.upper()}\u00a0(", f"{word}"):
            if g.qualifier_before.search(window):
                assert ends.may_end(window), (word, window)
    assert not ends.may_end("  (") and not ends.may_end("")


@pytest.mark.parametrize("lang", ["en", "de", "sv", "tr", "hu", "sw", "ru"])
def test_number_word_filter_passes_every_amount_a_number_word_opens(lang: str) -> None:
    """The test before a number word is tried never hides an amount: every number word, in any case the
    grammar accepts, before every scale word (with or without a space) or alone, that the grammar reads as
    the start of an amount, is still tried."""
    from capex_pipeline.extract.amounts import _mark_edges
    from capex_pipeline.extract.grammar import grammar

    g = grammar(lang)
    edges = _mark_edges(g)
    tried = 0
    for word in filter(None, g.lex.number_words):
        for written in (word, word.upper(), word.capitalize()):
            for scale in [*g.lex.scales, *g.lex.singular_scales, "x"]:
                for text in (f"( {written} {scale} ", f"( {written}{scale} ", f"( {scale} {written} "):
                    for start, end in g.keywords.scan(text)["number_word"]:
                        if g.amount.match(text, start):
                            tried += 1
                            assert edges.word_may_open(g, text, start, end), (written, scale, text)
    assert tried
    if not g.lex.scale_first:
        text = "( a new plant and ett nytt bolag"
        assert not any(edges.word_may_open(g, text, s, e) for s, e in g.keywords.scan(text)["number_word"])


@pytest.mark.parametrize("text", ["", "no digits", "$5 billion in 2025", "٥٫٢ مليار دولار كي", "١٢٣ و 45",
                                  "১২৩ কোটি", "12・6億ドル、３，５兆円", "\U0001d7cf\U0001d7d0 billion", "x٣y ٣٣"])
def test_fold_digits_folds_as_fold_text_and_finds_the_runs_of_digits(text: str) -> None:
    """One scan folds the digits and finds the runs of digits: the same text as `fold_text`, and the runs
    where the folded text has them (digits beyond the folding table are still digits)."""
    import re

    from capex_pipeline.extract.numbers import _TABLE, _between_digits, fold_digits, fold_text

    norm, starts = fold_digits(text)
    assert norm == fold_text(text)
    assert norm == _between_digits(text.translate(_TABLE))  # every folded character, by the table itself
    assert starts == [m.start() for m in re.finditer(r"\d+", norm)]


def test_amounts_in_links_are_no_figures() -> None:
    text = ("Read https://example.com/acme-plans-20-billion-dollars-capex and www.example.org/5-billion-euros today. "
            "Acme will invest $3 billion in 2026.")
    assert [m.quote for m in extract(text, lang="en")] == ["$3 billion"]
    # the same words outside a link are one; a link begins with "://" or "www." as written
    for text, quotes in (("Acme plans-$20-billion today.", ["$20-billion"]),
                         ("Read https://x.com/acme-plans-$20-billion today.", []),
                         ("Read www.x.com/acme-plans-$20-billion today.", []),
                         ("Read WWW.x.com/acme-plans-$20-billion today.", ["$20-billion"])):
        assert [m.quote for m in extract(text, lang="en")] == quotes, text
