"""Fixtures for the annual reports: people of two units and the host office, and item makers that put items in the 钦州 columns (or a sub-site) with a given 发布日期 (the movable clock and ``units`` are tests/conftest.py's)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.conftest import SHANGHAI
from tests.factories import column


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    from django.core.cache import cache

    from govportal.assessment.annual.rules import clear_cache
    from govportal.interaction.rules import clear_cache as clear_interaction

    settings.DATA_DIR = tmp_path
    clear_cache()
    clear_interaction()
    cache.clear()
    yield
    clear_cache()


@pytest.fixture
def people(make_person, qinzhou):
    class People:
        editor = make_person("市教育局", "editor")
        leader = make_person("市教育局", "deputy_leader")
        other = make_person("市卫生健康委", "editor")
        host = make_person("市人民政府办公室", "host_office")
        site_admin = make_person("市人民政府办公室电子政务中心", "site_admin")

    return People


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


@pytest.fixture
def put(qinzhou):
    """put(Model, ("动态信息", "政务要闻"), date(2026, 3, 1), **fields) → a live item in that column; the
    first element may instead be a parent page (a sub-site)."""

    counter = iter(range(100_000))

    def make(model, where, day: date, **fields):
        parent = where if hasattr(where, "add_child") else column(qinzhou, *where)
        fields.setdefault("title", f"{model._meta.verbose_name}{next(counter)}")
        page = model(date=at(day), **fields)
        parent.add_child(instance=page)
        return page

    return make
