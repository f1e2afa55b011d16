from __future__ import annotations

import functools

from govportal.textcheck import Checker
from govportal.textcheck.batch import check_many


def _factory(terms: list[str]) -> Checker:
    return Checker(sensitive_terms=terms, detectors=["sensitive", "secret"])


def test_check_many_keeps_order_on_two_processes():
    items = [(i, "内部资料\n正文" if i % 3 == 0 else f"第{i}条：代开发票") for i in range(50)]
    results = list(
        check_many(items, factory=functools.partial(_factory, ["代开发票"]), processes=2, chunksize=4)
    )
    assert [k for k, _ in results] == list(range(50))
    assert all(
        [f.kind for f in found] == (["secret"] if k % 3 == 0 else ["sensitive"]) for k, found in results
    )


def test_check_many_in_process():
    results = list(check_many([("a", "机密★5年")], factory=functools.partial(_factory, []), processes=1))
    assert [(k, [f.kind for f in fs]) for k, fs in results] == [("a", ["secret"])]


def _factory_seeing_sigterm() -> Checker:
    """A checker that finds 代开发票 only when this pool process would die of SIGTERM."""
    import signal

    terms = ["代开发票"] if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL else []
    return Checker(sensitive_terms=terms, detectors=["sensitive"])


def test_pool_processes_die_of_sigterm_even_under_a_job_worker():
    """Under db_worker or rqworker, SIGTERM means "finish the current job". Forked pool processes inherited
    that handler, so when the pool's terminate() raced its workers (it sends SIGTERM to the ones still waiting
    for work) they ignored it and the scan, or a test, waited for them forever."""
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        results = list(
            check_many([(i, "代开发票") for i in range(8)], factory=_factory_seeing_sigterm, processes=2)
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert [len(found) for _, found in results] == [1] * 8
