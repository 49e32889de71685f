"""The article's own conversion: the amount beside a non-USD amount, in parentheses or after a connector
word, gives its usd_stated; ranges restate end by end; nothing pairs across a sentence or a third number."""

from __future__ import annotations

import pytest

from capex_pipeline.extract import extract


@pytest.mark.parametrize(("lang", "text", "local", "usd"), [
    ("fr", "Le royaume investira 20 milliards de dirhams, soit 2 milliards de dollars, dans le numérique.",
     "20 milliards de dirhams", 2e9),
    ("id", "Nilai proyek mencapai 150 juta dolar AS atau setara Rp 2,4 triliun.", "Rp 2,4 triliun", 1.5e8),
    ("ja", "同社は3兆ドル(約450兆円、推計)を投じる計画だ。", "450兆円", 3e12),
    ("cs", "Společnost investuje 3 miliardy dolarů, tedy přibližně 70 miliard korun.", "70 miliard korun", 3e9),
    ("en", "The fund will deploy US$3 billion, i.e. RM14 billion, in Johor.", "RM14 billion", 3e9),
    ("en", "The fund will deploy US$3 billion or RM14 billion in Johor.", "RM14 billion", 3e9),
    ("en", "Alibaba will spend 380 billion yuan ($53 billion) on AI infrastructure.", "380 billion yuan", 53e9),
])
def test_a_stated_conversion_is_paired(lang: str, text: str, local: str, usd: float) -> None:
    found = {m.quote: m for m in extract(text, lang=lang)}
    assert found[local].usd_stated == pytest.approx(usd)


def test_two_ranges_restate_end_by_end() -> None:
    text = "Бюджет проекта составит от $500 млн до $900 млн, т.е. 40-70 млрд руб."
    mentions = extract(text, lang="ru")
    rubles = [m for m in mentions if m.currency == "RUB"]
    assert [(m.value, m.usd_stated) for m in rubles] == [(40e9, 500e6), (70e9, 900e6)]


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Microsoft will invest $10 billion. Separately, the bank lent 5 billion euros to the project."),
    ("en", "Microsoft will invest $10 billion. Or 5 billion euros went elsewhere."),
    ("en", "Capex was $10 billion in 2025 or 8 billion euros in 2024."),
    ("fr", "Le groupe investit 3 milliards d'euros, soit 2 milliards d'euros de plus qu'en 2023."),
])
def test_no_pairing_across_a_sentence_a_number_or_one_currency(lang: str, text: str) -> None:
    assert all(m.usd_stated is None for m in extract(text, lang=lang))


@pytest.mark.parametrize(("lang", "text", "expected"), [
    # the conversion of an approximate figure is approximate ...
    ("en", "The site will cost about 40 billion euros ($47 billion) to build.",
     {"40 billion euros": "approx", "$47 billion": "approx"}),
    ("cs", "Firma dá skoro dvě miliardy eur, tedy 50 miliard korun.",
     {"dvě miliardy eur": "approx", "50 miliard korun": "approx"}),
    # ... a bound is not carried over: the conversion restates the figure, not "over"
    ("en", "The group raised over 150 billion yuan ($20.6 billion) this year.",
     {"150 billion yuan": "min", "$20.6 billion": "exact"}),
    # a sign of approximation is read in any language
    ("en", "The firm will spend A$20 billion (≈US$13 billion) on it.",
     {"A$20 billion": "exact", "US$13 billion": "approx"}),
    # words after the parenthesis qualify the amount before it; the conversion keeps its own
    ("ja", "同社の時価総額は5兆ドル(約700兆円)を突破した。", {"5兆ドル": "min", "700兆円": "approx"}),
    ("ja", "投資額は3兆ドル(450兆円)以上になる。", {"3兆ドル": "min", "450兆円": "exact"}),
    ("ko", "시가총액은 3조 달러를 돌파했다.", {"3조 달러": "min"}),
])
def test_qualifiers_of_an_amount_and_its_conversion(lang: str, text: str, expected: dict[str, str]) -> None:
    assert {m.quote: m.qualifier for m in extract(text, lang=lang)} == expected


@pytest.mark.parametrize(("lang", "text", "usd"), [
    ("es", "La firma destinará 6.000 millones de reales, unos 1.100 millones de dólares, a la nube.", 1.1e9),
    ("en", "The bank will spend 40 billion rupees, about $480 million, on servers.", 4.8e8),
    ("en", "Sales reached 5 billion yuan, about $1 billion more than the $2 billion forecast.", None),
])
def test_an_apposition_with_an_approximation_word_restates_the_amount(lang: str, text: str,
                                                                       usd: float | None) -> None:
    first = extract(text, lang=lang)[0]
    assert first.usd_stated == usd


@pytest.mark.parametrize(("lang", "text", "paired"), [
    ("cs", "Slovenský stát dá na dálnice 9 miliard eur. V přepočtu to dělá asi 220 miliard korun.", True),
    ("en", "The plan is worth 500 billion yen. That is about $3.4 billion.", True),
    ("en", "The plan is worth 500 billion yen. Separately, $3 billion goes to chips.", False),
])
def test_a_next_sentence_that_opens_with_a_connector_restates_the_amount(lang: str, text: str,
                                                                          paired: bool) -> None:
    first, second = extract(text, lang=lang)
    assert (first.partner == 1 and second.partner == 0) is paired
