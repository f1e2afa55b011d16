"""A refused column says whose it is (issue 19), instead of a bare "对不起，你没有权限访问"."""

from __future__ import annotations

import re

from django.urls import reverse

from govportal.accounts.models import Unit
from govportal.portal.columns import main_columns


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_editor_opening_another_units_column_is_told_which_unit_keeps_it(client, qinzhou, make_person):
    editor = make_person("市教育局", "editor")
    finance = Unit.objects.get(locality="qinzhou", name="市财政局")
    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    theirs = main_columns(qinzhou).filter(units=finance).exclude(units=edu).first()
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[theirs.pk]), follow=True)
    text = _text(response)
    assert f"不能在栏目「{theirs.title}」新建信息" in text
    assert "市财政局" in text and "您所在的市教育局不是其保障单位" in text

    mine = main_columns(qinzhou).filter(units=edu).first()
    assert client.get(reverse("wagtailadmin_pages:add_subpage", args=[mine.pk])).status_code == 200
