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
