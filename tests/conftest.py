"""Shared fixtures: the test database starts with the 钦州 profile loaded (once per session)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.factories import column  # noqa: F401 - ``from tests.conftest import column`` in many modules

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from govportal.portal.columns import load

    with django_db_blocker.unblock():
        load("qinzhou")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Production hashes staff passwords with PBKDF2 at 1,000,000 rounds (half a second each here); the tests are
    about the password rules, not the hash's cost, so they hash with MD5. The production hasher is checked on
    its own in tests/accounts/test_passwords.py."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """A worker run inside the test process (RQ's, tests/ops/test_workers.py) installs SIGTERM and SIGINT handlers
    and leaves them behind: processes forked by a later test then ignored SIGTERM, and a multiprocessing Pool's
    terminate() waited for them forever (the CI run that never reported). Each test gets back what it found."""
    import signal

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)


@pytest.fixture
def qinzhou(db):
    from govportal.portal.columns import home_for

    return home_for("qinzhou")


@pytest.fixture
def make_person(db):
    """make_person("市教育局", "editor") -> a logged-in-able user of that unit with those roles."""
    return factories.person


@pytest.fixture
def units(qinzhou):
    """units("市教育局") -> that unit of 钦州."""
    return factories.unit


@pytest.fixture
def edu(db):
    """市教育局, the unit most tests act as."""
    return factories.unit("市教育局")


class Clock:
    """Moves ``django.utils.timezone.now`` (and so ``localdate``) to a given Shanghai date and time."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.current = None

    def set(self, day: date, hour: int = 10) -> datetime:
        from django.utils import timezone

        self.current = datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)
        self.monkeypatch.setattr(timezone, "now", lambda: self.current)
        return self.current


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters are shared by every process (a file cache in $GOVPORTAL_HOME): each test
    starts from zero, as one visitor would."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    # Wagtail keeps the sites' root paths in the default cache: a site made by an earlier test (rolled
    # back) must not make later pages' URLs absolute.
    from wagtail.models import Site

    Site.clear_site_root_paths_cache()
    yield
