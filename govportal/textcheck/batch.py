"""Checking many texts at once (a whole site), on several processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from .checker import Checker
from .findings import Finding

_WORKER: Checker | None = None


def _init(factory: Callable[[], Checker]) -> None:
    global _WORKER
    # A forked worker inherits its parent's handlers: under a job worker (db_worker, rqworker) SIGTERM means
    # "finish the current job", so the pool's terminate() at the end would wait for these processes forever.
    default_signals()
    _WORKER = factory()


def default_signals() -> None:
    """Give SIGTERM and SIGINT their default meaning in a freshly forked pool process."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _check(item: tuple[Hashable, str]) -> tuple[Hashable, list[Finding]]:
    assert _WORKER is not None
    key, text = item
    return key, _WORKER.check(text)


def check_many(
    items: Iterable[tuple[Hashable, str]],
    *,
    factory: Callable[[], Checker] = Checker.default,
    processes: int | None = None,
    chunksize: int = 64,
) -> Iterator[tuple[Hashable, list[Finding]]]:
    """Yield ``(key, findings)`` for every ``(key, text)``, in input order.

    *factory* builds the checker once in each worker process (it must be picklable: a module-level
    function or ``functools.partial`` of one). ``processes`` defaults to the number of CPUs; with
    ``processes=1`` everything runs in this process.
    """
    processes = processes or os.cpu_count() or 1
    if processes == 1:
        checker = factory()
        for key, text in items:
            yield key, checker.check(text)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    with ctx.Pool(processes, initializer=_init, initargs=(factory,)) as pool:
        yield from pool.imap(_check, items, chunksize=chunksize)
