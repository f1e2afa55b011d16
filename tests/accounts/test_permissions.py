"""Permissions follow the unit: a unit edits its own columns and sub-site, and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from govportal.portal.models import ArticlePage
from tests.conftest import column

pytestmark = pytest.mark.django_db


def _add_item(client, parent, title="测试信息"):
    """Post the add-item form as the back office sends it."""
    url = reverse("wagtailadmin_pages:add", args=("portal", "articlepage", parent.pk))
    data = nested_form_data(
        {
            "title": title,
            "slug": "",
            "date": "2026-11-20 10:00",
            "source": "市教育局",
            "author": "",
            "info_category": "unit",
            "topic": "",
            "summary": "",
            "video_url": "",
            "body": rich_text("<p>正文</p>"),
            "attachments": streamfield([]),
            "action-submit": "提交审核",
        }
    )
    return client.post(url, data)


def test_editor_can_add_item_in_own_units_column(client, qinzhou, make_person):
    editor = make_person("市教育局", "editor")
    client.force_login(editor)
    preschool = column(qinzhou, "政府信息公开", "公共服务", "教育信息", "学前教育")

    assert (
        client.get(
            reverse("wagtailadmin_pages:add", args=("portal", "articlepage", preschool.pk))
        ).status_code
        == 200
    )
    _add_item(client, preschool, "2026年秋季学期学前教育资助政策")

    item = ArticlePage.objects.child_of(preschool).get(title="2026年秋季学期学前教育资助政策")
    assert item.slug  # a Chinese title gets an ASCII slug without the editor typing one
    assert not item.live  # an editor cannot publish
    assert item.unit.name == "市教育局"  # the publishing unit defaults to the editor's


def test_editor_is_refused_another_units_column(client, qinzhou, make_person):
    editor = make_person("市教育局", "editor")
    client.force_login(editor)
    statistics = column(qinzhou, "政府信息公开", "法定主动公开内容", "统计信息")

    response = client.get(reverse("wagtailadmin_pages:add", args=("portal", "articlepage", statistics.pk)))
    assert response.status_code in (302, 403)
    _add_item(client, statistics, "不应出现的信息")
    assert not ArticlePage.objects.filter(title="不应出现的信息").exists()
    assert not statistics.permissions_for_user(editor).can_add_subpage()


def test_column_with_several_units_is_open_to_each(qinzhou, make_person):
    certificates = column(qinzhou, "政务服务", "主题服务", "证件办理")  # 市教育局、市公安局、市卫生健康委
    for unit in ("市教育局", "市公安局", "市卫生健康委"):
        assert certificates.permissions_for_user(make_person(unit, "editor")).can_add_subpage(), unit
    assert not certificates.permissions_for_user(make_person("市统计局", "editor")).can_add_subpage()


def test_group_phrase_gives_every_responsible_unit_the_column(qinzhou, make_person):
    from govportal.portal.models import ColumnPage

    shared = next(c for c in ColumnPage.objects.descendant_of(qinzhou) if "各责任单位" in c.unit_groups)
    assert shared.permissions_for_user(make_person("市统计局", "editor")).can_add_subpage()


def test_editor_cannot_change_the_column_itself(client, qinzhou, make_person):
    editor = make_person("市教育局", "editor")
    preschool = column(qinzhou, "政府信息公开", "公共服务", "教育信息", "学前教育")
    perms = preschool.permissions_for_user(editor)
    assert perms.can_add_subpage()
    assert not perms.can_edit()
    assert not perms.can_delete()
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(preschool.pk,)))
    assert response.status_code in (302, 403)


def test_site_admin_can_change_columns(qinzhou, make_person):
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    preschool = column(qinzhou, "政府信息公开", "公共服务", "教育信息", "学前教育")
    assert preschool.permissions_for_user(admin).can_edit()


def test_units_own_subsite(qinzhou, make_person):
    from govportal.accounts.models import Unit
    from govportal.portal.columns import create_subsite

    subsite = create_subsite(Unit.objects.get(locality="qinzhou", name="市教育局"))
    news = subsite.get_children().get(title="工作动态")
    assert news.specific.permissions_for_user(make_person("市教育局", "editor")).can_add_subpage()
    assert not news.specific.permissions_for_user(make_person("市公安局", "editor")).can_add_subpage()
    assert subsite.url.startswith("/bm/")


def test_person_belongs_to_one_unit_and_roles_follow_it(make_person):
    from govportal.accounts.models import Unit, UnitRoleGroup

    user = make_person("市教育局", "editor", "section_chief")
    links = UnitRoleGroup.objects.filter(group__user=user)
    assert {link.role for link in links} == {"editor", "section_chief"}
    staff = user.staff
    staff.unit = Unit.objects.get(locality="qinzhou", name="市公安局")
    staff.roles = ["editor"]
    staff.save()
    links = UnitRoleGroup.objects.filter(group__user=user).select_related("unit")
    assert [(link.unit.name, link.role) for link in links] == [("市公安局", "editor")]


def test_site_admin_opens_a_subsite_from_the_back_office(client, make_person):
    from django.urls import reverse

    from govportal.accounts.models import Unit

    unit = Unit.objects.get(locality="qinzhou", name="市统计局")
    client.force_login(make_person("市人民政府办公室电子政务中心", "site_admin"))
    page = client.get(reverse("subsites")).content.decode()
    assert "市统计局" in page and "开设子站" in page
    response = client.post(reverse("subsites"), {"unit": unit.pk})
    assert "已开设" in response.content.decode()
    unit.refresh_from_db()
    assert unit.subsite.get_children().count() == 4

    client.force_login(make_person("市统计局", "editor"))
    assert client.get(reverse("subsites")).status_code in (302, 403)
