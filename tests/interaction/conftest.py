"""Fixtures for the interaction tests: the people of the 钦州 demo roles and letters (the movable clock and
``units`` are tests/conftest.py's)."""

from __future__ import annotations

import re

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rules(settings, tmp_path):
    """Rules are cached per process; attachments go to a temporary folder."""
    from govportal.interaction.rules import clear_cache

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_cache()
    from django.core.cache import cache

    cache.clear()
    yield
    clear_cache()


@pytest.fixture
def people(make_person, qinzhou):
    """One person per role that the letter workflow needs."""

    class People:
        centre = make_person("市12345热线管理中心", "hotline")
        editor = make_person("市教育局", "editor")
        editor2 = make_person("市教育局", "editor")
        chief = make_person("市教育局", "section_chief")
        leader = make_person("市教育局", "deputy_leader")
        head = make_person("市教育局", "principal_leader")
        other_editor = make_person("市卫生健康委", "editor")
        other_leader = make_person("市卫生健康委", "deputy_leader")
        host = make_person("市人民政府办公室", "host_office")
        site_admin = make_person("市人民政府办公室电子政务中心", "site_admin")

    return People


@pytest.fixture
def new_letter(qinzhou):
    """new_letter("complaint", subject=..., content=...) -> a stored letter (as the public form stores it)."""
    return factories.submitted_letter


def solve_form(html: str) -> tuple[str, str]:
    """The form token and the CAPTCHA answer of a rendered public form (as a person reads the text question)."""
    from govportal.interaction.spam import question_for, read_token

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return token, str(question_for(read_token(token)).answer)


def admin_client(client, user):
    client.force_login(user)
    return client
