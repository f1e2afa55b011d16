from __future__ import annotations

import datetime

import pytest

from govportal.textcheck import Checker


@pytest.fixture(scope="session")
def default_checker() -> Checker:
    return Checker.default(today=datetime.date(2026, 11, 23))


@pytest.fixture(scope="session")
def gov_only_checker() -> Checker:
    return Checker.default(forbid_non_gov=True, homophones=False, today=datetime.date(2026, 11, 23))


def kinds(findings):
    return [(f.kind, f.text) for f in findings]
