from __future__ import annotations

import pytest

from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def youyang_unit(db):
    """A unit of 酉阳 (whose profile has its own password rules), without loading the whole profile."""
    from govportal.accounts.models import Unit, UnitKind

    unit, _ = Unit.objects.get_or_create(
        locality="youyang", code="edu", defaults={"name": "酉阳县教育委员会", "kind": UnitKind.DEPARTMENT}
    )
    return unit


@pytest.fixture
def youyang_person(youyang_unit):
    """youyang_person("editor") -> a user of that unit with those roles."""

    def make(*roles: str):
        return factories.person(youyang_unit, *roles)

    return make


def login(client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1", next_url: str = "/admin/"):
    """Sign in through the back office's own login page, as a person would."""
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": next_url}, REMOTE_ADDR=ip
    )


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the back office with a redirect to the dashboard (and a
    message), or 403."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")
