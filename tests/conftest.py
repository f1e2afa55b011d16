"""Shared fixtures: the test database starts with the 钦州 profile loaded (once per session)."""

from __future__ import annotations

import pytest


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
    from django.contrib.auth import get_user_model

    from govportal.accounts.models import Staff, Unit

    counter = iter(range(10_000))

    def make(unit_name: str, *roles: str, locality: str = "qinzhou"):
        unit = Unit.objects.get(locality=locality, name=unit_name)
        user = get_user_model().objects.create_user(f"u{next(counter)}", password="Test@2026pw")
        Staff.objects.create(user=user, unit=unit, roles=list(roles))
        return user

    return make


def column(home, *path: str):
    """The column at ``path`` (titles) below ``home``."""
    from govportal.portal.columns import main_columns, with_paths

    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    raise LookupError("/".join(path))


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
