"""The gates hand GX only the columns a suite checks (its expectations' columns and their row conditions'),
and still quarantine the right rows, with reasons formatted from the whole row."""

from __future__ import annotations

import polars as pl

from capex_pipeline import quality


def test_row_condition_columns_are_checked_and_the_rest_left_out() -> None:
    columns = ["claim_id", "doc", "quote", "context", "value", "currency", "usd_value", "fx_basis", "fx_rate",
               "implied_rate", "implied_deviation"]
    checked = quality.checked_columns("usd_claims", columns)
    assert "currency" in checked  # named only by the implied-rate bands' row conditions
    assert not {"doc", "quote", "context", "value"} & set(checked)
    assert quality._condition_columns("currency == 'USD'") is None  # a query string: every column goes to GX
    assert quality._condition_columns({"type": "and", "conditions": [{"type": "comparison", "column": {"name": "a"}},
                                                                      {"column": {"name": "b"}}]}) == ["a", "b"]


def test_a_row_failing_a_conditioned_band_is_quarantined_with_its_whole_row() -> None:
    frame = pl.DataFrame({
        "claim_id": ["a", "b", "c"], "doc": ["x.txt"] * 3, "quote": ["long quote " * 200] * 3,
        "value": [1e9, 2e9, 3e9], "currency": ["CNY", "CNY", "EUR"], "usd_value": [1.4e8, 1e8, 3.3e9],
        "fx_basis": ["publication_date"] * 3, "fx_rate": [7.1, 7.1, 0.91],
        "implied_rate": [7.0, 20.0, 0.9], "implied_deviation": [0.0, 0.0, 0.0]})
    validation = quality.validate(frame, "usd_claims")
    [failure] = validation.failures
    assert failure.rows == [1] and failure.level == "row"
    kept, quarantined = quality.split_rows(frame, validation)
    assert kept["claim_id"].to_list() == ["a", "c"] and kept.columns == frame.columns
    assert quarantined[0]["reasons"] == ["implied CNY/USD rate 20 outside the plausible band 5.5-8.5 (ECB 7.1)"]


def test_rows_are_taken_out_by_slices_or_by_a_filter_with_the_same_result() -> None:
    frame = pl.DataFrame({"n": list(range(300)), "s": [f"row {i}" for i in range(300)]})
    for rows in ([0], [299], [0, 1, 2, 150, 299], list(range(0, 300, 3))):  # the last: more than a few rows
        assert quality._without(frame, rows).equals(frame.filter(~pl.col("n").is_in(rows)))
