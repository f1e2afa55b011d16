"""发布日期 and web addresses of items (issue 19), as an editor meets them in the back office and a
visitor on the public site.

* An item's 发布日期 is when it went live — not when its draft was started — unless the editor typed one
  (backdated content); a scheduled item shows its go-live time.
* Addresses are made from the date and a number (``/<column>/202612/t20261202_317.html``), unique
  without asking: two titles with "2027" never meet an English "slug already in use" error.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from govportal.portal.models import ArticlePage


@pytest.fixture
def edu(qinzhou, make_person):
    from govportal.accounts.models import Unit
    from govportal.portal.columns import main_columns

    unit = Unit.objects.get(locality="qinzhou", name="市教育局")
    column = main_columns(qinzhou).filter(units=unit).first()
    return make_person("市教育局", "editor"), column


def _create(client, user, column, title, date=""):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", column.pk])
    form = client.get(url).content.decode()
    data = nested_form_data(
        {
            "title": title,
            "slug": "2027",  # what Wagtail's title-to-slug script makes of a Chinese title with a year
            "body": rich_text("<p>会议部署寒假期间学生安全教育工作。</p>"),
            "date": date,
            "info_category": "unit",
            "attachments": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())
    )[:3000]
    return form, ArticlePage.objects.child_of(column).get(title=title)


def test_the_date_field_starts_empty_and_says_what_empty_means(client, edu):
    user, column = edu
    client.force_login(user)
    html = client.get(
        reverse("wagtailadmin_pages:add", args=["portal", "articlepage", column.pk])
    ).content.decode()
    assert "留空则为正式发布（上线）的时间" in html
    assert re.search(r'name="date"[^>]*value="\d', html) is None


def test_two_titles_with_the_same_year_get_distinct_gov_style_addresses(client, edu):
    user, column = edu
    _, first = _create(client, user, column, "市教育局召开2027年寒假安全工作会议")
    _, second = _create(client, user, column, "市教育局部署2027年寒假作业减负工作")
    for page in (first, second):
        assert re.fullmatch(r"t\d{8}_\d+", page.slug)
        assert re.search(r"/\d{6}/t\d{8}_\d+\.html$", page.url_path)
    assert first.slug != second.slug
    day = timezone.localdate().strftime("%Y%m%d")
    assert first.slug.startswith(f"t{day}_") and f"/{day[:6]}/" in first.url_path


def test_the_public_date_is_the_time_the_item_went_live_and_its_address_answers(client, edu):
    user, column = edu
    _, page = _create(client, user, column, "市教育局召开寒假安全工作会议")
    drafted = page.date
    ArticlePage.objects.filter(pk=page.pk).update(date=drafted - timedelta(hours=2))  # started 2 h ago
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.date == page.first_published_at > drafted - timedelta(hours=1)
    response = client.get(page.url)
    assert response.status_code == 200
    shown = timezone.localtime(page.first_published_at).strftime("%Y-%m-%d")
    assert shown in response.content.decode()
    # a later edit and republication keeps the first publication time
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.date == page.first_published_at
    assert page.url.endswith(".html") and page.url.startswith(column.url)


def test_a_date_the_editor_types_is_kept(client, edu):
    user, column = edu
    _, page = _create(client, user, column, "补录：2025年寒假安全通知", date="2025-01-10 09:00")
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert timezone.localtime(page.date).strftime("%Y-%m-%d %H:%M") == "2025-01-10 09:00"
    assert not page.date_auto


def test_a_scheduled_item_shows_its_go_live_time(client, edu):
    user, column = edu
    _, page = _create(client, user, column, "寒假期间学校值班安排")
    go_live = timezone.now() + timedelta(hours=3)
    page.go_live_at = go_live
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    # three hours later the periodic job (Wagtail's publish_scheduled) puts it live
    from unittest import mock

    later = go_live + timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert page.first_published_at == later
    assert abs((page.date - go_live).total_seconds()) < 1  # the go-live time, not when the job ran


def test_an_emoji_only_title_is_refused_in_chinese(client, edu):
    user, column = edu
    client.force_login(user)
    url = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", column.pk])
    data = nested_form_data(
        {
            "title": "🎉🎉🎉",
            "body": rich_text("<p>正文</p>"),
            "date": "",
            "info_category": "unit",
            "attachments": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "标题须含有汉字或字母" in response.content.decode()
    assert not ArticlePage.objects.child_of(column).filter(title="🎉🎉🎉").exists()


def test_existing_folder_addresses_keep_working(qinzhou):
    """Items made before (the demo's, imported ones) keep their folder addresses; nothing moves."""
    from govportal.portal.columns import main_columns

    parent = main_columns(qinzhou).first()
    old = ArticlePage(title="旧地址的信息", slug="jdzdxx", body="<p>正文</p>")
    parent.add_child(instance=old)
    old.save_revision().publish()
    assert old.url_path.endswith("/jdzdxx/")
    from django.test import Client

    assert Client().get(old.url).status_code == 200
