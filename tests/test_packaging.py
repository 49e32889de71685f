"""The wheel is self-contained: built, installed into a fresh virtual environment outside the repository, it
runs the whole pipeline on the seeds it ships, with the suites and lexicons it ships."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO

UV = REPO / ".tools" / "bin" / "uv"  # what `make setup` installs; its cache already holds every locked wheel
SUMMARY_ROWS = ("raw.articles", "staging.claims", "staging.usd_claims", "marts.fct_claims")


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args[0]} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_runs_the_pipeline_outside_the_repository(tmp_path: Path) -> None:
    assert not tmp_path.resolve().is_relative_to(REPO), "the install must live outside the repository"
    # No project settings leak in: the installed defaults (packaged seeds and suites) must carry the run.
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith("CAPEX_")}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    work = tmp_path / "work"  # cwd of the installed commands: nothing of the repository is importable from here
    work.mkdir()
    venv, dist = tmp_path / "venv", tmp_path / "dist"
    t0 = time.perf_counter()

    _run([UV, "build", "--wheel", "--out-dir", dist], REPO, env)
    (wheel,) = dist.glob("capex_pipeline-*.whl")
    # The project's locked versions, so the install reuses uv's cache instead of resolving from scratch.
    requirements = tmp_path / "requirements.txt"
    _run([UV, "export", "--frozen", "--no-hashes", "--no-dev", "--no-emit-project", "--quiet",
          "--output-file", requirements], REPO, env)
    _run([sys.executable, "-m", "venv", "--without-pip", venv], work, env)
    _run([UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "-r", requirements, wheel], work, env)
    t_install = time.perf_counter()

    where = _run([venv / "bin" / "python", "-c", "import capex_pipeline, assets; print(capex_pipeline.__file__); "
                  "print(assets.__file__)"], work, env).split()
    assert all(Path(p).is_relative_to(venv) for p in where), where

    db = tmp_path / "capex.duckdb"
    out = _run([venv / "bin" / "capex", "run", "--db", db], work, env)
    t_run = time.perf_counter()
    summary = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    print(out.splitlines()[0])
    print("\n".join(summary[name] for name in SUMMARY_ROWS))
    assert "SUCCESS" in out and str(venv) in out.splitlines()[0]  # the seeds read are the installed ones
    assert [c.strip() for c in summary["marts.fct_claims"].split("│")[2:6]] == ["29", "0", "0", "passed"]
    assert (tmp_path / "dagster_home" / "dagster.yaml").is_file()  # the packaged instance settings

    count = _run([venv / "bin" / "capex", "query", "--db", db, "--format", "csv",
                  "SELECT count(*) AS n FROM marts.fct_claims"], work, env)
    assert count.split() == ["n", "29"]

    # The gold corpus stays in the repository: the installed command says so in one line.
    done = subprocess.run([venv / "bin" / "capex", "evaluate"], cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("capex: error:") and len(done.stderr.splitlines()) == 1
    print(f"wheel build + install {t_install - t0:.1f} s, capex run {t_run - t_install:.1f} s, "
          f"total {time.perf_counter() - t0:.1f} s")
