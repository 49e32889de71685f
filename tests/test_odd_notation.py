"""Signs, zeros and scientific notation: read as written, noted, and refused by the claims gate with a reason
where they cannot be a spending figure; never flipped or dropped in silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from capex_pipeline.extract import extract

from .conftest import materialize, rows


@pytest.mark.parametrize(("text", "value", "note"), [
    ("The unit's cash flow was -$5 billion.", -5e9, "negative amount"),
    ("It booked −3 billion dollars of losses.", -3e9, "negative amount"),
    ("It spent $1e9 on chips.", 1e9, "scientific notation"),
    ("It spent 2.5E10 dollars, then stopped.", 2.5e10, "scientific notation"),
    ("The fund raised $0 billion so far.", 0.0, "zero amount"),
])
def test_odd_notation_is_read_as_written_with_a_note(text: str, value: float, note: str) -> None:
    (m,) = extract(text, lang="en")
    assert (m.value, m.currency, m.note) == (value, "USD", note)
    assert text[m.start:m.end] == m.quote


@pytest.mark.parametrize("text", ["growth of 10-20 billion dollars", "the 2024-2025 budget of $5 billion"])
def test_a_dash_between_numbers_is_no_sign(text: str) -> None:
    assert all(m.value > 0 for m in extract(text, lang="en"))


def test_the_claims_gate_refuses_negative_and_zero_amounts_with_a_reason(corpus: Path, tmp_path: Path) -> None:
    (corpus / "200_odd.txt").write_text("---\nlang: en\ndate: 2025-03-03\n---\n"
                                        "Acme's cash flow was -$5 billion. Its fund raised $0 billion.\n",
                                        encoding="utf-8")
    db = tmp_path / "capex.duckdb"
    assert materialize(db, corpus).success
    refused = rows(db, "SELECT rule, reason FROM quality.quarantine WHERE step = 'claims' AND doc = '200_odd.txt'")
    assert len(refused) == 2 and {rule for rule, _ in refused} == {"expect_column_values_to_be_between(value)"}
    assert sorted(reason for _, reason in refused) == ["amount -5000000000.0 is not positive",
                                                         "amount 0.0 is not positive"]
    assert rows(db, "SELECT count(*) FROM marts.fct_claims WHERE doc = '200_odd.txt'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM marts.fct_claims") == [(29,)]  # the seeds' claims still land
