"""Great Expectations Data Docs of the gates: each validation's result page, as static HTML in a local site.

One page is built per gate validation, passed or failed, and nothing else: rendering a page and copying GX's
static assets costs about 0.15 s, so four gates add well under a second to a run, whereas GX's index page
would need every earlier result kept in a store and re-read on every run. The results stay in memory (an
ephemeral context); the site's folder keeps the pages of the last KEEP runs of each suite, and GX's static
files (4 MB, copied by GX's site builder with every page).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .quality import Validation

KEEP = 50  # runs' pages kept per suite


@cache
def _context() -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    return gx.get_context(mode="ephemeral")


@cache
def _site(folder: Path) -> str:
    """The name of a local filesystem Data Docs site writing into `folder` (added once per process)."""
    name = f"capex_{hashlib.sha256(str(folder).encode()).hexdigest()[:12]}"
    _context().add_data_docs_site(name, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    return name


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
    context, site = _context(), _site(folder)
    run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))
    key = ValidationResultIdentifier(ExpectationSuiteIdentifier(validation.suite), run, step)
    validation.result.meta["run_id"] = run  # the page's "Run Name" and "Run Time", as a GX checkpoint sets them
    store = context.validation_results_store
    store.set(key, validation.result)
    try:  # only this result's page; no index (it would drop the pages of results this process does not hold)
        context.build_data_docs(site_names=[site], resource_identifiers=[key], build_index=False)
        url = context.get_docs_sites_urls(resource_identifier=key, site_name=site)[0]["site_url"]
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
