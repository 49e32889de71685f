"""The project as a dg project: `dg check defs` and `dg list defs` run as a developer runs them, from the repo root
with .venv/bin/dg, and name the project's assets, checks, job, schedule and sensor."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from assets.automation import daily_schedule, new_articles_sensor
from assets.pipeline import GATE

from .conftest import REPO

DG = Path(sys.executable).with_name("dg")
GATED = ("raw_articles", "claims", "usd_claims", "fct_claims")
MARTS = ("dim_articles", "capex_consensus", "source_disagreements", "fx_audit", "published_snapshot")
LAKE = ("lake_articles", "lake_claims", "lake_usd_claims", "lake_marts")  # monthly partitions, then the marts
# What dg or Dagster print when a setting or command is on its way out (`dagster dev` printed a SupersessionWarning)
DEPRECATION = re.compile(r"deprecat|supersed|warning", re.IGNORECASE)


def _dg(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copyfile(REPO / "assets" / "dagster.yaml", home / "dagster.yaml")  # as `make ui` and `capex run` do
    env = os.environ | {"DAGSTER_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)  # as from make: dg must find the project's .venv by itself
    return subprocess.run([str(DG), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, object]]]:
    done = _dg(tmp_path_factory.mktemp("dg_list"), "list", "defs", "--json")
    assert done.returncode == 0, f"dg list defs failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    assert not DEPRECATION.search(done.stderr), done.stderr
    return json.loads(done.stdout)


def test_dg_check_defs(tmp_path: Path) -> None:
    done = _dg(tmp_path, "check", "defs")
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"dg check defs failed ({done.returncode}):\n{output}"
    assert "All definitions loaded successfully." in done.stdout, output
    assert not DEPRECATION.search(output), output


def test_dg_list_defs_names_the_pipeline(listed: dict[str, list[dict[str, object]]]) -> None:
    assert {a["asset_key"] for a in listed["assets"]} == {*GATED, *MARTS, *LAKE}
    assert {(c["asset_key"], c["name"]) for c in listed["asset_checks"]} == {(a, GATE) for a in (*GATED, *LAKE)}
    assert {j["name"] for j in listed["jobs"]} >= {"capex_job", "lake_job"}
    assert [s["name"] for s in listed["schedules"]] == ["daily_capex"]
    assert [s["name"] for s in listed["sensors"]] == ["new_articles_sensor"]
    assert {r["name"] for r in listed["resources"]} == {"duckdb", "corpus", "dask", "lake", "lake_warehouse", "gx"}
    groups = {a["asset_key"]: a["group_name"] for a in listed["assets"]}
    assert (groups["raw_articles"], groups["claims"], groups["fct_claims"]) == ("raw", "staging", "marts")
    assert {groups[a] for a in LAKE} == {"lake"}


def test_dg_list_defs_table(tmp_path: Path) -> None:
    """The table a person reads names every asset and gate."""
    done = _dg(tmp_path, "list", "defs")
    assert done.returncode == 0, done.stderr
    for name in (*GATED, *MARTS, *(f"{a}:{GATE}" for a in GATED), "daily_capex", "new_articles_sensor"):
        assert name in done.stdout, f"{name} missing from `dg list defs`:\n{done.stdout}"


def test_default_states_match_readme() -> None:
    """The README says the sensor is on and the schedule off by default; the definitions must agree."""
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "The sensor `new_articles_sensor` is on by default" in readme
    assert "The daily schedule `daily_capex` is off by default" in readme
    assert new_articles_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert daily_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
