"""The Dagster UI end to end: a real `dg dev` (as `make ui` runs it), GraphQL for definitions and one materialization,
and Debian's chromium (through Playwright) for what a person sees. One server and one run are shared by the module.

Results are asserted through GraphQL and DuckDB; the browser checks names, pages, page errors and takes screenshots.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from .ui_server import UiServer, dg_dev, graphql

pytestmark = pytest.mark.slow

EXPECTED_ASSETS = {"raw_articles", "claims", "usd_claims", "fct_claims"}
GATE = "gx_gate"
RUN_TIMEOUT_S = 180
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSER_TIMEOUT_MS = 30_000

DEFINITIONS = """
query Definitions {
  assetNodes {
    assetKey { path }
    isMaterializable
    isPartitioned
    description
    assetChecksOrError { __typename ... on AssetChecks { checks { name blocking } } }
  }
  repositoriesOrError {
    __typename
    ... on RepositoryConnection {
      nodes { name location { name } jobs { name } schedules { name } sensors { name } }
    }
    ... on PythonError { message }
  }
}
"""

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message stack }
    ... on Error { message }
  }
}
"""

RUN_STATUS = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { runId status } ... on Error { message } }
}
"""

RUN_LOGS = """
query RunLogs($runId: ID!) {
  logsForRun(runId: $runId) {
    __typename
    ... on EventConnection { events { __typename ... on MessageEvent { level message stepKey } } }
  }
}
"""

DONE = {"SUCCESS", "FAILURE", "CANCELED"}


def _key(node: dict[str, Any]) -> str:
    return "/".join(node["assetKey"]["path"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    with dg_dev(tmp_path_factory.mktemp("dagster_ui")) as ui:
        yield ui


@pytest.fixture(scope="module")
def definitions(server: UiServer) -> dict[str, Any]:
    return graphql(server.url, DEFINITIONS)


@pytest.fixture(scope="module")
def materialized(server: UiServer, definitions: dict[str, Any]) -> dict[str, Any]:
    """Launch one run of every materializable asset (in_process executor) and wait for it to finish."""
    repos = definitions["repositoriesOrError"]
    assert repos["__typename"] == "RepositoryConnection", repos
    repo = next(r for r in repos["nodes"] if r["name"] == "__repository__")
    # the folder pipeline: the lake's monthly assets are backfilled by month (tests/test_lake.py), not in one run
    selection = [node["assetKey"] for node in definitions["assetNodes"] if node["isMaterializable"]
                 and not node["isPartitioned"] and node["assetKey"]["path"] != ["lake_marts"]]
    params = {
        "selector": {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"],
                     "jobName": "__ASSET_JOB", "assetSelection": selection},
        "runConfigData": {"execution": {"config": {"in_process": {}}}},
    }
    started = time.monotonic()
    launched = graphql(server.url, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", f"launchRun failed: {launched}"
    run_id = launched["run"]["runId"]
    status = launched["run"]["status"]
    while status not in DONE and time.monotonic() - started < RUN_TIMEOUT_S:
        time.sleep(1)
        status = graphql(server.url, RUN_STATUS, {"runId": run_id})["runOrError"]["status"]
    problems: list[str] = []
    if status != "SUCCESS":
        logs = graphql(server.url, RUN_LOGS, {"runId": run_id})["logsForRun"]
        problems = [f"{e.get('stepKey')}: {e['message']}" for e in logs.get("events") or []
                    if e.get("level") in ("ERROR", "CRITICAL")]
    return {"run_id": run_id, "status": status, "seconds": time.monotonic() - started,
            "assets": {"/".join(k["path"]) for k in selection}, "problems": problems}


def _require_success(run: dict[str, Any], server: UiServer) -> None:
    assert run["status"] == "SUCCESS", (
        f"run {run['run_id']} ended {run['status']} after {run['seconds']:.0f}s (limit {RUN_TIMEOUT_S}s)\n"
        + "\n".join(run["problems"])[:4000] + f"\n--- dg dev log ---\n{server.log_tail()}")


def _fct_claims_rows(db: Path) -> int:
    """Row count of marts.fct_claims, read-only; retried briefly in case the run worker still holds the file."""
    deadline = time.monotonic() + 15
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as con:
                return con.execute("SELECT count(*) FROM marts.fct_claims").fetchone()[0]
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_graphql_definitions(definitions: dict[str, Any]) -> None:
    nodes = {_key(node): node for node in definitions["assetNodes"]}
    assert set(nodes) >= EXPECTED_ASSETS, f"missing assets: {EXPECTED_ASSETS - set(nodes)}"
    for name in EXPECTED_ASSETS:
        checks = nodes[name]["assetChecksOrError"]
        assert checks["__typename"] == "AssetChecks", checks
        gates = [c for c in checks["checks"] if c["name"] == GATE]
        assert gates and gates[0]["blocking"], f"{name} has no blocking {GATE}: {checks['checks']}"
        assert (nodes[name]["description"] or "").strip(), f"{name} has no description"

    repos = definitions["repositoriesOrError"]
    assert repos["__typename"] == "RepositoryConnection", repos
    schedules = {s["name"] for r in repos["nodes"] for s in r["schedules"]}
    sensors = {s["name"] for r in repos["nodes"] for s in r["sensors"]}
    jobs = {j["name"] for r in repos["nodes"] for j in r["jobs"]}
    assert "daily_capex" in schedules, schedules
    assert "new_articles_sensor" in sensors, sensors
    assert "capex_job" in jobs, jobs


def test_graphql_materialize_all(server: UiServer, materialized: dict[str, Any]) -> None:
    assert materialized["assets"] >= EXPECTED_ASSETS
    _require_success(materialized, server)
    assert server.db.is_file(), f"the run wrote no DuckDB file at CAPEX_DB={server.db}"
    assert _fct_claims_rows(server.db) > 0


def test_browser_asset_graph_and_asset_page(server: UiServer, materialized: dict[str, Any], tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium for the UI tests)")
    from playwright.sync_api import expect, sync_playwright

    _require_success(materialized, server)
    rows = _fct_claims_rows(server.db)
    page_errors: list[str] = []
    shots: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(BROWSER_TIMEOUT_MS)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))

            def visible_text(text: str) -> Any:
                return page.get_by_text(text, exact=True).filter(visible=True).first

            def shown(locator: Any) -> None:
                expect(locator).to_be_visible(timeout=BROWSER_TIMEOUT_MS)

            def snap(name: str) -> None:
                page.wait_for_timeout(300)  # let the last live-data repaint land
                page.screenshot(path=tmp_path / name, animations="disabled")
                shots.append(name)

            # The global asset graph ("Global asset lineage"). With several groups, 1.13 draws them collapsed:
            # expand them from the graph's settings menu so the asset names show.
            page.goto(f"{server.url}/asset-groups")
            shown(page.get_by_text("Global asset lineage"))
            page.get_by_role("button", name="settings", exact=True).click()
            toggle = page.get_by_role("menuitem", name=re.compile(r"(Expand|Collapse) all groups"))
            toggle.wait_for()
            if "Expand" in toggle.inner_text():
                toggle.click()
            for name in sorted(EXPECTED_ASSETS):
                shown(visible_text(name))
            page.keyboard.press("Escape")  # close the settings menu before the screenshot
            snap("asset_graph.png")
            assert not page_errors, f"page errors on /asset-groups: {page_errors}"

            # The materialized mart's page: latest materialization, its row count and its metadata.
            page.goto(f"{server.url}/assets/fct_claims")
            shown(visible_text("Latest materialization"))
            shown(visible_text("Row count"))
            shown(visible_text(str(rows)))
            shown(visible_text("Description"))
            snap("fct_claims.png")
            visible_text("Metadata").scroll_into_view_if_needed()
            shown(visible_text("preview"))  # the README's promise: row count, column schema, markdown preview
            shown(visible_text("Columns"))
            snap("fct_claims_metadata.png")

            # The markdown preview is a table of the first rows, shown in place on the asset's page.
            preview = page.locator("tr").filter(has_text="preview").first
            shown(preview.locator("table"))
            shown(preview.locator("th").filter(has_text="company").first)
            shown(preview.locator("th").filter(has_text="currency").first)
            preview.scroll_into_view_if_needed()
            snap("fct_claims_preview.png")
            assert not page_errors, f"page errors on /assets/fct_claims: {page_errors}"

            # The consensus chart is drawn in place in the asset page's Metadata section: no [Show Markdown],
            # no Events tab. The image must have loaded (a broken link is an <img> of width 0).
            page.goto(f"{server.url}/assets/capex_consensus")
            shown(visible_text("Latest materialization"))
            visible_text("Metadata").scroll_into_view_if_needed()
            chart = page.locator("tr").filter(has=page.get_by_text("chart", exact=True)).locator(
                "img[alt='reported USD ranges']")
            shown(chart)
            chart.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
            width, height = chart.evaluate("img => [img.naturalWidth, img.naturalHeight]")
            assert width >= 600 and height >= 200, (width, height)
            snap("capex_consensus_chart.png")
            assert not page_errors, f"page errors on /assets/capex_consensus: {page_errors}"
        finally:
            browser.close()
    for shot in shots:
        assert (tmp_path / shot).stat().st_size > 10_000, f"{shot} looks empty"
    print(f"screenshots in {tmp_path}")


LAUNCH_BACKFILL = """
mutation Backfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""

BACKFILL_STATUS = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill {
      status
      assetBackfillData {
        assetBackfillStatuses {
          ... on AssetPartitionsStatusCounts {
            assetKey { path } numPartitionsTargeted numPartitionsMaterialized numPartitionsFailed
          }
        }
      }
    }
  }
}
"""

PARTITION_STATS = """
query Stats($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) { ... on AssetNode { partitionStats { numMaterialized numFailed } } }
}
"""
LAKE_MONTHS = ["2024-01", "2024-02"]
LAKE_ASSETS = ("lake_articles", "lake_claims", "lake_usd_claims")


def test_a_backfill_launched_from_the_ui_shows_each_month(server: UiServer, materialized: dict[str, Any]) -> None:
    """What the UI's "Materialize" on the lake assets sends for a range of months: a Dagster backfill that the
    daemon runs one month at a time, with each month's status per asset (Overview > Backfills, Partitions)."""
    params = {"partitionNames": LAKE_MONTHS, "assetSelection": [{"path": [a]} for a in LAKE_ASSETS],
              "fromFailure": False}
    launched = graphql(server.url, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    started = time.monotonic()
    while True:
        backfill = graphql(server.url, BACKFILL_STATUS, {"id": launched["backfillId"]})["partitionBackfillOrError"]
        if backfill["status"] not in ("REQUESTED", "CANCELING", "FAILING"):
            break
        assert time.monotonic() - started < RUN_TIMEOUT_S, f"backfill not done: {backfill}\n{server.log_tail()}"
        time.sleep(2)
    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), f"{backfill}\n{server.log_tail()}"
    counts = {"/".join(s["assetKey"]["path"]): (s["numPartitionsTargeted"], s["numPartitionsMaterialized"],
                                               s["numPartitionsFailed"])
              for s in backfill["assetBackfillData"]["assetBackfillStatuses"]}
    assert counts == dict.fromkeys(LAKE_ASSETS, (2, 2, 0))
    for asset in LAKE_ASSETS:  # the asset page's partition bar
        stats = graphql(server.url, PARTITION_STATS, {"key": {"path": [asset]}})["assetNodeOrError"]
        assert stats["partitionStats"] == {"numMaterialized": 2, "numFailed": 0}, (asset, stats)
    for table in ("articles", "claims", "usd_claims"):  # published in the lake the UI's runs were given
        assert sorted(p.parent.name for p in server.lake.glob(f"{table}/month=*/_published")) == \
            [f"month={m}" for m in LAKE_MONTHS]
