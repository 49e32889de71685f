"""Year rules shared by every language: spans name their last year, horizons are not comparisons."""

from __future__ import annotations

from datetime import date

import pytest

from capex_pipeline.extract import extract
from capex_pipeline.extract.years import explicit_years


@pytest.mark.parametrize(("lang", "text", "quote", "year"), [
    ("fr", "Le groupe compte investir 4 milliards d'euros entre 2025 et 2027 dans ses centres de données.",
     "4 milliards d'euros", 2027),
    ("es", "La empresa invertirá 800 millones de dólares entre 2024 y 2029 en la región.",
     "800 millones de dólares", 2029),
    ("en", "The operator plans to spend $3 billion over 2026-2029 on new sites.", "$3 billion", 2029),
    ("en", "From 2024 to 2026 the company put $2 billion into cloud capacity.", "$2 billion", 2026),
    ("de", "Zwischen 2025 und 2028 fließen 6 Milliarden Euro in Rechenzentren.", "6 Milliarden Euro", 2028),
])
def test_a_span_of_years_names_its_last_year(lang: str, text: str, quote: str, year: int) -> None:
    (m,) = extract(text, lang=lang)
    assert (m.quote, m.year) == (quote, year)


def test_falling_years_are_no_span() -> None:
    """'2026, 2024' or a year list is two years, not a range: the nearest one is kept."""
    (m,) = extract("Capex reached $8 billion in 2026 - 2024 was far lower.", lang="en")
    assert m.year == 2026


@pytest.mark.parametrize(("lang", "text", "year"), [
    ("es", "El ministerio prevé que hacia 2031 el sector reciba 3.000 millones de euros.", 2031),
    ("fr", "L'État estime que d'ici 2030 il faudra 20 milliards d'euros pour le calcul.", 2030),
    ("en", "The plan is larger than by 2029 would suggest: $4 billion.", 2029),
])
def test_a_horizon_after_a_comparison_word_is_the_year(lang: str, text: str, year: int) -> None:
    (m,) = extract(text, lang=lang)
    assert m.year == year


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Sales were $9 billion, up from 2023."),
    ("es", "Las ventas fueron 9.000 millones de euros, más que en 2023."),
])
def test_a_compared_year_is_not_the_amounts_year(lang: str, text: str) -> None:
    (m,) = extract(text, lang=lang)
    assert m.year is None


@pytest.mark.parametrize(("lang", "text", "year"), [
    ("de", "Im kommenden Jahr fließen 4 Milliarden Euro in neue Rechenzentren.", 2027),
    ("sw", "Mwaka ujao benki itawekeza dola milioni 200 katika seva.", 2027),
    ("hr", "Prošle godine tvrtka je uložila 80 milijuna eura u podatkovni centar.", 2025),
    ("lt", "Kitais metais bendrovė investuos 300 milijonų eurų į duomenų centrą.", 2027),
    ("ur", "کمپنی اگلے سال 40 ارب روپے کی سرمایہ کاری کرے گی۔", 2027),
    ("tl", "Gagastos ang bangko ng P3 bilyon ngayong taon para sa mga server.", 2026),
])
def test_this_next_and_last_year_in_the_language_of_the_article(lang: str, text: str, year: int) -> None:
    (m,) = extract(text, lang=lang, published=date(2026, 5, 4))
    assert m.year == year


@pytest.mark.parametrize(("lang", "text", "published", "year"), [
    ("en", "In the third quarter the group spent $9 billion on servers.", date(2026, 11, 2), 2026),
    ("en", "Fourth-quarter capital spending reached $12 billion.", date(2026, 2, 10), 2025),  # not begun yet
    ("en", "It spent $9 billion on servers in the third quarter of 2024.", date(2026, 11, 2), 2024),
    # a few words between the quarter and its year still name that year
    ("en", "It spent $9 billion on servers in the third quarter of fiscal 2024.", date(2026, 11, 2), 2024),
    ("en", "It spent $9 billion on servers in the second quarter of its fiscal year 2024.", date(2026, 11, 2), 2024),
    ("de", "Im dritten Quartal des Geschäftsjahres 2024 flossen 2 Milliarden Euro in Server.", date(2026, 11, 2), 2024),
    ("zh", "第三季度，该公司资本开支为90亿元。", date(2026, 11, 2), 2026),
    ("zh", "2024年第三季度，该公司资本开支为90亿元。", date(2026, 11, 2), 2024),
    ("ko", "이 회사의 3분기 설비투자는 2조 원이었다.", date(2026, 11, 2), 2026),
    ("de", "Im dritten Quartal flossen 2 Milliarden Euro in Rechenzentren.", date(2026, 11, 2), 2026),
    ("pl", "W III kwartale spółka wydała 1 mld zł na serwery.", date(2026, 11, 2), 2026),
])
def test_a_quarter_dates_a_figure_unless_a_year_stands_beside_it(lang: str, text: str, published: date,
                                                                  year: int) -> None:
    (m,) = extract(text, lang=lang, published=published)
    assert m.year == year


@pytest.mark.parametrize(("lang", "text", "year"), [
    ("th", "ในปี 2569 ธนาคารจะลงทุน 5 พันล้านบาท ในระบบคลาวด์", 2026),
    ("th", "รัฐบาลตั้งงบ 3 พันล้านบาท ในปีงบประมาณ 2569", 2026),
    ("th", "ธนาคารจะลงทุน 2569 ล้านบาท ในระบบคลาวด์", None),  # an amount, no year
    ("fa", "این بانک تا سال ۱۴۰۵ حدود ۲۰۰ میلیون دلار سرمایه گذاری می کند.", 2026),
    ("fa", "این بانک ۱۴۰۵ میلیارد تومان سرمایه گذاری می کند.", None),
])
def test_years_of_another_era_as_the_press_writes_them(lang: str, text: str, year: int | None) -> None:
    (m,) = extract(text, lang=lang)
    assert m.year == year


@pytest.mark.parametrize(("text", "starts"), [
    ("in 2025, then 1999 and 2031.", [3, 14, 23]),
    ("1949 2100 1950 2099", [10, 15]),  # only 1950-2099
    ("12025 20255 2025.5 2025,75 1,2025 3.2025", []),  # inside a longer number or a decimal
    ("2025. 2025, 2025 年 (2025)", [0, 6, 12, 20]),  # a mark that ends a sentence or a clause is no decimal
    ("٣2025 202٣ 2025٣", [6]),  # any script's digits join a number; a decade and year digit may be any
    ("1959 2020 19592020", [0, 5]),  # two years run together are one number
])
def test_explicit_years(text: str, starts: list[int]) -> None:
    assert explicit_years(text) == starts
