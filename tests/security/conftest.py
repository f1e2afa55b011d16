"""Fixtures of the hostile suite: two units sharing a column, people of every role in each, and items
of the other unit to aim at. The sweeps are single tests over many URLs and payloads, so each builds its
world once (the suite must stay fast)."""

from __future__ import annotations

import pytest

ROLES = ("editor", "section_chief", "deputy_leader", "principal_leader")
VICTIM_UNIT = "市人民政府办公室"
ATTACKER_UNIT = "市教育局"
SECRET_TITLE = "绝密测试条目ZXQ市政府办内部稿"
SECRET_BODY = "内部稿正文ZXQ仅限市政府办"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(unit_name: str, *roles: str, username: str, locality: str = "qinzhou"):
    from django.contrib.auth import get_user_model

    from govportal.accounts.models import Staff, Unit

    unit = Unit.objects.get(locality=locality, name=unit_name)
    user = get_user_model().objects.create_user(username, password="Test@2026pw", email=f"{username}@x.cn")
    Staff.objects.create(user=user, unit=unit, roles=list(roles))
    return user


def shared_column(home, *unit_names: str):
    """A column the responsibility table gives to every unit named (e.g. 通知公告: 各责任单位)."""
    from govportal.accounts.models import Unit
    from govportal.portal.models import ColumnPage

    qs = ColumnPage.objects.descendant_of(home)
    for name in unit_names:
        qs = qs.filter(units=Unit.objects.get(locality=home.locality, name=name))
    return qs.order_by("path").first()


def victim_item(column, title=SECRET_TITLE, body=SECRET_BODY, *, live=True, **fields):
    """An item of 市人民政府办公室 in ``column`` (live unless told)."""
    from govportal.accounts.models import Unit
    from govportal.portal.models import ArticlePage

    unit = Unit.objects.get(locality="qinzhou", name=VICTIM_UNIT)
    page = ArticlePage(title=title, body=f"<p>{body}</p>", unit=unit, live=live, **fields)
    column.add_child(instance=page)
    page.save_revision()
    return page


@pytest.fixture
def world(db):
    """The attacker's unit (市教育局, every role) and the victim's (市人民政府办公室), a shared column and
    the victim's items in it; site-wide roles of the victim's side too."""
    from govportal.portal.columns import home_for

    home = home_for("qinzhou")

    class World:
        pass

    w = World()
    w.home = home
    w.column = shared_column(home, VICTIM_UNIT, ATTACKER_UNIT)
    w.item = victim_item(w.column)
    w.draft = victim_item(w.column, title=SECRET_TITLE + "草稿", live=False)
    w.attackers = {role: person(ATTACKER_UNIT, role, username=f"atk_{role}") for role in ROLES}
    w.victims = {role: person(VICTIM_UNIT, role, username=f"vic_{role}") for role in ROLES}
    w.victims["host_office"] = person(VICTIM_UNIT, "host_office", username="vic_host_office")
    w.site_admin = person("市人民政府办公室电子政务中心", "site_admin", username="sec_site_admin")
    return w
