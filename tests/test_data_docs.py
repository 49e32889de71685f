"""GX Data Docs of the gates: a real GX result rendered by GX's own site builder, linked from each check."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from capex_pipeline import data_docs, quality

from .conftest import SEEDS, extract_folder, read_folder


def _text(page: Path) -> str:
    """What a reader sees: the page without its styles, scripts and tags."""
    html = re.sub(r"(?s)<(style|script)[^>]*>.*?</\1>", " ", page.read_text(encoding="utf-8"))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def claims() -> pl.DataFrame:
    return extract_folder(read_folder(SEEDS))


def test_failed_gate_page_shows_the_failure(claims: pl.DataFrame, tmp_path: Path) -> None:
    validation = quality.validate(pl.concat([claims, claims]), "claims")  # every claim twice: not unique
    assert not validation.success
    page = data_docs.build_page(validation, tmp_path / "docs", "run-1", "claims")
    assert page is not None and page.is_file()
    assert page.relative_to((tmp_path / "docs").resolve()).parts[:3] == ("validations", "claims", "run-1")
    text = _text(page)
    assert "Expectation Suite: claims" in text and "Status: Failed" in text, text[:2000]
    assert "values must be unique" in text and f"{2 * claims.height} unexpected values found" in text
    assert "Run Name run-1" in text
    assert (tmp_path / "docs" / "static").is_dir()  # GX's own styles and scripts beside the pages


def test_passed_gate_page(claims: pl.DataFrame, tmp_path: Path) -> None:
    validation = quality.validate(claims, "claims")
    assert validation.success
    page = data_docs.build_page(validation, tmp_path, "run-2", "claims")
    assert page is not None and "Status: Succeeded" in _text(page)


def test_only_recent_runs_kept(claims: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_docs, "KEEP", 3)
    validation = quality.validate(claims, "claims")
    pages = [data_docs.build_page(validation, tmp_path, f"run-{i}", "claims") for i in range(5)]
    runs = sorted(p.name for p in (tmp_path / "validations" / "claims").iterdir())
    assert runs == ["run-2", "run-3", "run-4"]
    assert pages[-1] is not None and pages[-1].is_file()


def test_no_gx_result_no_page(tmp_path: Path) -> None:
    validation = quality.Validation(suite="claims", success=True, evaluated=0)
    assert data_docs.build_page(validation, tmp_path, "run", "claims") is None


def test_every_gate_of_a_run_links_its_page(seed_run) -> None:
    result, db = seed_run
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 4
    for evaluation in evaluations:
        step = evaluation.asset_key.to_user_string()
        page = Path(evaluation.metadata["data_docs"].value)
        assert page.is_file(), page
        assert page.is_relative_to(db.parent.resolve() / "data_docs") and page.name == f"{step}.html"
        assert result.run_id in page.parts
        assert f"Expectation Suite: {step}" in _text(page)
