"""Long commands show a progress bar on a terminal and nothing when stderr is a pipe: the output is the same."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "capex_pipeline" / "seeds"
COMMAND = [sys.executable, "-c", "import sys; from capex_app.cli import main; sys.exit(main())", "extract",
           str(SEEDS), "--jsonl"]


def _stderr_on_a_terminal(command: list[str] = COMMAND, env: dict[str, str] | None = None) -> tuple[bytes, bytes]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, timeout=300, check=True, env=env)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    return proc.stdout, seen


def test_a_bar_on_a_terminal_and_none_in_a_pipe() -> None:
    piped = subprocess.run(COMMAND, capture_output=True, timeout=120, check=True)
    assert piped.stderr == b""  # not a terminal: not a character of progress
    stdout, terminal = _stderr_on_a_terminal()
    assert b"capex extract" in terminal and b"file" in terminal  # tqdm's description and unit
    assert stdout == piped.stdout  # the bar never touches the output


def test_capex_run_shows_the_extraction_on_a_terminal(tmp_path: Path) -> None:
    run = [*COMMAND[:3], "run", "--articles", str(SEEDS), "--db", str(tmp_path / "capex.duckdb")]
    env = os.environ | {"DAGSTER_HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    stdout, terminal = _stderr_on_a_terminal(run, env)
    assert b"claims: extracting" in terminal and b"capex run: SUCCESS" in stdout
