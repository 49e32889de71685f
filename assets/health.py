"""Runs whose process died: a SIGKILLed, OOM-killed or crashed run stays STARTED in Dagster, and with
`max_concurrent_runs: 1` every later queued run would wait behind it forever. Here a run's process is found
(the `capex/pid` tag of `capex run`, else the pid Dagster records on the run's start event, which is the
run worker's) and checked; dead runs are marked failed, by `capex run` before it starts and by Dagster's run
monitoring daemon (through `CapexRunLauncher`'s worker health check) for the UI, the schedule and the sensor."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus  # what a launcher's health check returns

PID_TAG = "capex/pid"
HOST_TAG = "capex/host"
# Runs that hold (or are about to hold) a place in the run queue and can therefore block it.
_WATCHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
            dg.DagsterRunStatus.CANCELING]


def process_tags() -> dict[str, str]:
    """Tags naming the process that executes a run in-process (what `capex run` does)."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _worker_pid(instance: dg.DagsterInstance, run: dg.DagsterRun) -> int | None:
    if run.tags.get(PID_TAG, "").isdigit():
        return int(run.tags[PID_TAG])
    started = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    event = started[0].event_log_entry.dagster_event if started else None
    return event.pid if event else None


def _process_started_at(pid: int) -> float | None:
    """When process `pid` started (Linux /proc), to tell a reused pid from the run's own process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return None


def _process_state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2:].split()[0]
    except (OSError, ValueError, IndexError):
        return None


def process_alive(pid: int, since: float | None = None) -> bool:
    """Whether `pid` is a live process that was already running at `since` (a Unix time)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if _process_state(pid) == "Z":  # exited, not yet reaped by its parent
        return False
    started = _process_started_at(pid)
    # /proc's boot time has one-second resolution: allow for it before calling the pid reused
    return not (since is not None and started is not None and started > since + 2)


def dead_reason(instance: dg.DagsterInstance, run: dg.DagsterRun, started_at: float | None = None) -> str | None:
    """Why `run` can no longer finish (its process is gone), or None when it is alive or cannot be checked
    from here (no process known yet, or a process on another host)."""
    host = run.tags.get(HOST_TAG)
    if host and host != socket.gethostname():
        return None
    pid = _worker_pid(instance, run)
    if pid is None or process_alive(pid, started_at):
        return None
    return (f"its process {pid} on {host or socket.gethostname()} is gone (killed, out of memory or crashed) "
            "while the run was in progress")


def unfinished_run_dead(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str | None:
    """Why an unfinished `run` can no longer finish, its start time read from the instance; None if alive."""
    record = instance.get_run_record_by_id(run.run_id)
    return dead_reason(instance, run, record.start_time if record else None)


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed (canceled, if it was being canceled) every unfinished run whose process is dead; returns
    their ids. The tables they were writing kept their last good state (one transaction per step)."""
    marked = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_WATCHED)):
        run = record.dagster_run
        since = record.start_time or record.create_timestamp.timestamp()
        reason = dead_reason(instance, run, since)
        if reason is None:
            continue
        message = f"Marked failed by capex: {reason}; its tables keep their last good state."
        if run.status == dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, message)
        else:
            instance.report_run_failed(run, message)
        marked.append(run.run_id)
    return marked


class CapexRunLauncher(dg.DefaultRunLauncher):
    """Dagster's DefaultRunLauncher plus a run worker health check. The DefaultRunLauncher itself has none
    (`supports_check_run_worker_health` is False in Dagster 1.13), so run monitoring could only time out runs
    stuck STARTING; with this check it also fails STARTED runs whose process died, including `capex run`s."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        if reason := unfinished_run_dead(self._instance, run):
            return CheckRunHealthResult(WorkerStatus.FAILED, f"capex: {reason}")
        return CheckRunHealthResult(WorkerStatus.RUNNING)
