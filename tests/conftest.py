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
DEV2 = GOLD / "dev2" / "articles"  # 43 real articles in many languages; their sources.csv is beside the folder
MONTHS = ("2024-01", "2024-02", "2024-03")


def read_folder(folder: Path | str, max_bytes: int = 10_000_000) -> pl.DataFrame:
    """Every article of a folder, read as raw_articles reads a new folder (no file index)."""
    from capex_pipeline import steps

    frames: list[pl.DataFrame] = []
    steps.scan_articles(folder, max_bytes=max_bytes, index=None, key="", sink=lambda frame, _: frames.append(frame))
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


def month_folders(root: Path) -> Path:
    """DEV2 laid out as the lake reads an archive: its articles spread over MONTHS as YYYY-MM/ sub-folders, each
    with its own sources.csv rows."""
    import csv

    names = sorted(p.name for p in DEV2.iterdir() if p.is_file())
    with (DEV2.parent / "sources.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, sidecar = reader.fieldnames or [], {row["file"]: row for row in reader}
    for i, month in enumerate(MONTHS):
        folder = root / month
        folder.mkdir(parents=True)
        mine = names[i::len(MONTHS)]
        for name in mine:
            shutil.copy2(DEV2 / name, folder / name)
        with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(sidecar[n] for n in mine if n in sidecar)
    return root


def mart_rows(db: Path) -> dict[str, list[tuple]]:
    """Every mart's rows in a fixed order; dim_articles without `path`, which names where the file was read."""
    from capex_pipeline import marts

    return {m.name: rows(db, f"SELECT * {'EXCLUDE (path) ' if m.name == 'dim_articles' else ''}FROM {m.table} "
                             "ORDER BY ALL") for m in marts.ALL}


@pytest.fixture(scope="session")
def dev2_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The marts of a local run of the folder pipeline on DEV2: what the lake and the cluster must equal."""
    db = tmp_path_factory.mktemp("dev2run") / "capex.duckdb"
    assert materialize(db, DEV2).success
    return db
