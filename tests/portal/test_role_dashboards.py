"""Each role's first screen in the back office (issue 19), not Wagtail's page counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from govportal.portal.columns import main_columns
from tests.factories import submitted_letter

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_editor_sees_their_drafts_and_columns_due(client, qinzhou, make_person):
    from govportal.accounts.models import Unit
    from govportal.portal.models import ArticlePage

    editor = make_person("市教育局", "editor")
    edu = Unit.objects.get(locality="qinzhou", name="市教育局")
    column = main_columns(qinzhou).filter(units=edu).first()
    page = ArticlePage(title="寒假安全提示（草稿）", body="<p>正文</p>", live=False, owner=editor)
    column.add_child(instance=page)
    page.save_revision(user=editor)
    text = _home(client, editor)
    assert "信息员工作台" in text and "我的草稿" in text and "寒假安全提示（草稿）" in text
    assert "我负责的栏目" in text and column.title in text
    assert "尚无信息，请尽快发布" in text
    assert "网站摘要" not in text and " Pages created" not in text  # Wagtail's page counts are gone


def test_the_leader_sees_the_units_deadlines(client, qinzhou, make_person):
    text = _home(client, make_person("市教育局", "deputy_leader"))
    assert "市教育局的期限" in text and "本单位的来信办理期限" in text and "本单位栏目更新期限" in text


def test_the_host_office_sees_the_units_state(client, qinzhou, make_person):
    text = _home(client, make_person("市人民政府办公室", "host_office"))
    assert "主办单位工作台" in text and "各单位状态" in text and "超期未更新栏目" in text


def test_the_hotline_sees_todays_letters(client, qinzhou, make_person):

    submitted_letter("complaint", "小区门口路灯不亮", "小区门口路灯坏了两周，晚上出行不便。", token="dash1")
    text = _home(client, make_person("市12345热线管理中心", "hotline"))
    assert "热线中心工作台" in text and "今日来信（1 件）" in text and "小区门口路灯不亮" in text
