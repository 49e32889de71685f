"""Great Expectations Data Docs of the gates: each validation's result page, as static HTML in a local site.

One page is built per gate validation, passed or failed, and nothing else: rendering a page and copying GX's
static assets costs 0.02-0.05 s once the process's first page has compiled GX's templates (0.1 s), whereas
GX's index page would need every earlier result kept in a store and re-read on every run. The results stay in memory (an
ephemeral context); the site's folder keeps the pages of the last KEEP runs of each suite, and GX's static
files (4 MB, copied by GX's site builder with every page).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import quality
from .quality import Validation

KEEP = 50  # runs' pages kept per suite


@cache
def _site(folder: Path) -> Any:
    """A Data Docs site builder writing into `folder`, made once per process and folder: GX's views compile
    their page templates once per builder, which GX's own `build_data_docs` makes anew for every page (0.1 s
    of each page)."""
    from great_expectations.render.renderer.site_builder import SiteBuilder

    return SiteBuilder(data_context=quality.context(), site_name="capex", show_how_to_buttons=False,
                       store_backend={"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
                       runtime_environment={"root_directory": None})


def build_page(validation: Validation, folder: Path, run_id: str, step: str) -> Path | None:
    """Render `validation`'s GX result as a Data Docs page under `folder` and return the page's path (None when
    the validation carries no GX result). The page sits at validations/<suite>/<run_id>/<time>/<step>.html."""
    if validation.result is None:
        return None
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    folder = folder.resolve()
    site = _site(folder)
    run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))
    key = ValidationResultIdentifier(ExpectationSuiteIdentifier(validation.suite), run, step)
    validation.result.meta["run_id"] = run  # the page's "Run Name" and "Run Time", as a GX checkpoint sets them
    store = quality.context().validation_results_store
    store.set(key, validation.result)
    try:  # only this result's page; no index (it would drop the pages of results this process does not hold)
        site.build(resource_identifiers=[key], build_index=False)
        url = site.get_resource_url(resource_identifier=key)
    finally:
        store.remove_key(key)
    _prune(folder / "validations" / validation.suite, keep_name=run_id)
    return Path(unquote(urlparse(url).path))


def _prune(suite_folder: Path, keep_name: str) -> None:
    """Keep the pages of the newest KEEP runs of a suite (run folders are named by run id)."""
    runs = sorted((p for p in suite_folder.iterdir() if p.is_dir() and p.name != keep_name),
                  key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in runs[KEEP - 1:]:
        shutil.rmtree(stale, ignore_errors=True)
