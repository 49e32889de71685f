"""Extraction on a Dask distributed cluster, when a scheduler address is given (`capex run --dask-scheduler`,
or $CAPEX_DASK_SCHEDULER for `capex run` and runs launched from the UI); without one, the steps keep their
local path. Dask schedules, retries a task whose worker died, and manages the workers: this module only
connects, fails in one line when it cannot, and maps a function over batches with a bounded number in flight."""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Dask is imported only when a scheduler is configured
    from distributed import Client

SCHEDULER_ENV = "CAPEX_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10  # an unreachable address fails after this, in one line, instead of hanging
WORKERS_TIMEOUT_S = 30  # a scheduler with no worker would leave the tasks waiting forever
IN_FLIGHT_PER_WORKER = 2  # batches queued per worker: workers stay busy, texts are not all in memory
TASK_TIMEOUT_S = 900.0  # one batch (at most 500 articles) takes seconds; this long means no worker is left


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached, or no worker joined it; the message is one line."""


def scheduler_address(explicit: str | None = None) -> str | None:
    """--dask-scheduler, else $CAPEX_DASK_SCHEDULER, else None (the local path)."""
    return explicit or os.environ.get(SCHEDULER_ENV) or None


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def connect(address: str, *, timeout: float = CONNECT_TIMEOUT_S,
            workers_timeout: float = WORKERS_TIMEOUT_S) -> Iterator[Client]:
    """A client of the scheduler at `address` with at least one worker, closed on exit."""
    from distributed import Client
    from distributed.comm import get_address_host_port

    try:
        get_address_host_port(address)  # a malformed address fails here, before a client is made
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:  # refused, timed out, or not an address
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {_one_line(exc)}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=workers_timeout)
        except TimeoutError:
            raise ClusterUnavailable(f"the Dask scheduler at {address} has no worker (none joined within "
                                     f"{workers_timeout:g} s)") from None
        yield client
    finally:
        client.close()


def check(address: str) -> int:
    """How many workers the scheduler at `address` has; ClusterUnavailable when it cannot be used."""
    with connect(address) as client:
        return len(client.scheduler_info(n_workers=-1)["workers"])


def _on_worker(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """Runs on a worker: `fn`'s result with the address of the worker that computed it."""
    from distributed import get_worker

    return get_worker().address, fn(*args)


class ClusterMap:
    """`fn` over items on the cluster, results in order, at most IN_FLIGHT_PER_WORKER per worker submitted at
    once. A worker killed mid-task: the scheduler gives the task to another worker (up to Dask's
    `distributed.scheduler.allowed-failures`), then the result raises KilledWorker and the step fails."""

    def __init__(self, client: Client, task_timeout: float = TASK_TIMEOUT_S) -> None:
        self.client = client
        self.task_timeout = task_timeout
        self.address = str(client.scheduler.address)
        self.done_by: Counter[str] = Counter()  # worker address -> tasks it computed

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def __call__(self, fn: Callable[..., Any], items: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        limit = IN_FLIGHT_PER_WORKER * self.workers()
        running: deque[Any] = deque()
        for args in items:
            running.append(self.client.submit(_on_worker, fn, *args, pure=False))
            while len(running) > limit:
                yield self._take(running.popleft())
        while running:
            yield self._take(running.popleft())

    def _take(self, future: Any) -> Any:
        try:  # Dask waits for workers forever once it has lost them all: a step must fail instead of hanging
            worker, result = future.result(timeout=self.task_timeout)
        except TimeoutError:
            raise ClusterUnavailable(f"no result from the Dask cluster at {self.address} within "
                                     f"{self.task_timeout:g} s: are its workers alive?") from None
        self.done_by[worker] += 1
        return result
