"""Shared fixtures: the shipped seeds, the project's gold files, and one real pipeline run on the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.pipeline import PIPELINE_ASSETS
from assets.resources import make_resources

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "capex_pipeline" / "seeds"
GOLD = REPO / "evaluation"  # the project's copy of the gold corpus (`make refresh-gold` updates it)


def read_folder(folder: Path | str, max_bytes: int = 10_000_000) -> pl.DataFrame:
    """Every article of a folder, read as raw_articles reads a new folder (no file index)."""
    from capex_pipeline import steps

    frames: list[pl.DataFrame] = []
    steps.scan_articles(folder, max_bytes=max_bytes, index={}, key="", sink=lambda frame, _: frames.append(frame))
    return pl.concat(frames)


def extract_folder(articles: pl.DataFrame) -> pl.DataFrame:
    """The claims of `articles`, as the claims step extracts them."""
    from capex_pipeline import steps

    return steps.extract_batches([steps.article_keys(articles)], articles.height)[0]


def materialize(db: Path, articles: Path, **kwargs: object) -> dg.ExecuteInProcessResult:
    """A real Dagster materialization of every asset into `db` (ephemeral instance)."""
    return dg.materialize(PIPELINE_ASSETS, resources=make_resources(db, articles), raise_on_error=False,
                          **kwargs)


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dg.ExecuteInProcessResult, Path]:
    db = tmp_path_factory.mktemp("seedrun") / "capex.duckdb"
    result = materialize(db, SEEDS)
    return result, db


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the seeds (with sources.csv) to add bad articles to."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder
