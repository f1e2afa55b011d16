"""The editor's “检查错敏信息” button: checks what is on screen, saves nothing, only for people who may
edit the item."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

pytestmark = pytest.mark.django_db


def form(title, body_html, **extra):
    data = {
        "title": title,
        "slug": "check-me",
        "body": rich_text(body_html),
        "date": "2026-11-20 10:00",
        "info_category": "unit",
        "attachments": streamfield([]),
        **extra,
    }
    return nested_form_data(data)


@pytest.fixture
def draft(edu, publish):
    return publish(edu, "市教育局召开开学工作部署会", "<p>会议要求各学校做好开学前安全检查。</p>")


def test_the_button_is_in_the_editors_action_menu(client, make_person, draft):
    client.force_login(make_person("市教育局", "editor"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    url = reverse("textcheck_check_page", args=[draft.pk])
    assert f'data-textcheck-url="{url}"' in html and "检查错敏信息" in html
    assert "monitoring/textcheck.js" in html


def test_checks_the_unsaved_form_content_and_marks_each_finding_in_place(client, make_person, draft):
    client.force_login(make_person("市教育局", "editor"))
    url = reverse("textcheck_check_page", args=[draft.pk])
    resp = client.post(
        url,
        form(
            "市教育局召开开学工作部署会",
            "<p>截止目前已有三所学校完成检查，联系电话13877712345。</p><p>机密★10年</p>",
        ),
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "检查的是编辑器中<strong>当前</strong>的内容" in html
    # each finding marked in the text, with its severity, kind, suggestion and rule
    assert re.search(r'<mark class="tc-mark tc-warning"[^>]*>截止</mark>', html)
    assert re.search(r'<mark class="tc-mark tc-warning"[^>]*>13877712345</mark>', html)
    assert re.search(r'<mark class="tc-mark tc-blocking"[^>]*>机密★10年</mark>', html)
    assert "建议：截至" in html and "阻止发布 1 处" in html and "提醒 2 处" in html
    assert "涉密标识" in html and "规则：" in html
    # nothing was saved: the page and its revisions are as before
    draft.refresh_from_db()
    assert "截止" not in draft.body
    assert draft.revisions.count() == 1


def test_get_checks_the_last_saved_draft_and_says_so(client, make_person, draft):
    revision = draft.get_latest_revision_as_object()
    revision.body = "<p>请既将完成的学校及时上报。</p>"
    revision.save_revision()
    client.force_login(make_person("市教育局", "section_chief"))
    html = client.get(reverse("textcheck_check_page", args=[draft.pk])).content.decode()
    assert "最近保存的草稿" in html and "未保存的修改不在其中" in html
    assert re.search(r"<mark[^>]*>既将</mark>", html)


def test_a_clean_text_says_nothing_was_found(client, make_person, draft):
    client.force_login(make_person("市教育局", "editor"))
    resp = client.post(
        reverse("textcheck_check_page", args=[draft.pk]), form("开学工作", "<p>会议要求做好安全检查。</p>")
    )
    assert "未发现错别字" in resp.content.decode()


def test_only_people_who_may_edit_the_item_can_check_it(client, make_person, draft):
    url = reverse("textcheck_check_page", args=[draft.pk])
    assert client.post(url, form("x", "<p>x</p>")).status_code == 302  # not logged in: to the login page
    client.force_login(make_person("市财政局", "editor"))  # another unit's editor
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}  # as the button's script sends it
    refused = client.post(url, form("x", "<p>x</p>"), **ajax)
    assert refused.status_code == 403 and "tc-result" not in refused.content.decode()
    assert client.get(url).url == "/admin/"  # Wagtail sends a page refused to the dashboard with a message
    client.force_login(make_person("市人民政府办公室电子政务中心", "site_admin"))
    assert client.post(url, form("x", "<p>x</p>"), **ajax).status_code == 200


def test_checking_a_page_not_created_yet(client, make_person, qinzhou, edu):
    from tests.factories import unit_column

    column = unit_column(qinzhou, edu)
    url = reverse("textcheck_check_new", args=["portal", "articlepage", column.pk])
    client.force_login(make_person("市财政局", "editor"))
    assert (
        client.post(url, form("新信息", "<p>内容</p>"), HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code
        == 403
    )
    client.force_login(make_person("市教育局", "editor"))
    html = client.post(url, form("新信息", "<p>本店可代开发票。</p>")).content.decode()
    assert re.search(r"<mark[^>]*>代开发票</mark>", html)
    from govportal.portal.models import ArticlePage

    assert not ArticlePage.objects.filter(title="新信息").exists()


def test_attachments_of_the_item_are_checked_too(client, make_person, draft):
    from tests.monitoring.conftest import docx_bytes, make_document

    doc = make_document("会议材料", "cailiao.docx", docx_bytes(["一、工作进展"], header="内部资料"))
    client.force_login(make_person("市教育局", "editor"))
    data = form("开学工作", "<p>会议要求做好安全检查。</p>")
    data.update(
        nested_form_data(
            {"attachments": streamfield([("attachment", {"title": "会议材料", "document": doc.pk})])}
        )
    )
    html = client.post(reverse("textcheck_check_page", args=[draft.pk]), data).content.decode()
    assert "会议材料" in html and re.search(r"<mark[^>]*>内部资料</mark>", html)
