"""What text of an item is checked, and which version of it."""

from __future__ import annotations

import pytest

from govportal.monitoring.textcheck import check_item, html_to_text, item_text, page_text

pytestmark = pytest.mark.django_db


def test_block_elements_and_br_become_line_boundaries():
    html = (
        "<h2>通知</h2><p>第一段<br>第二行<br/>第三行</p><ul><li>甲</li><li>乙</li></ul>"
        "<table><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>123</td></tr></table>"
        "<p>A&amp;B&nbsp;C</p>"
    )
    assert html_to_text(html) == "通知\n第一段\n第二行\n第三行\n甲\n乙\n姓名\t电话\n张三\t123\nA&B C"


def test_a_secret_marker_standing_on_its_own_line_is_found_only_because_lines_are_kept(edu, publish):
    """“秘密” alone on a line is a classification mark; glued into the next paragraph it would be prose."""
    page = publish(edu, "关于转发有关文件的通知", "<p>秘密</p><p>关于做好有关工作的通知</p>")
    assert item_text(page).splitlines()[1] == "秘密"
    found = [f for f in check_item(page) if f.kind == "secret"]
    assert [(f.text, f.severity) for f in found] == [("秘密", "blocking")]
    prose = publish(edu, "守住秘密", "<p>他说，这是我们村里守了二十年的秘密。</p>")
    assert not [f for f in check_item(prose) if f.kind == "secret"]


def test_external_link_addresses_are_checked_but_internal_links_are_not_made_visible(edu, publish):
    page = publish(
        edu,
        "链接示例",
        '<p>请访问<a href="http://www.bad-casino.example/x">这个网站</a>或'
        '<a linktype="page" id="3">本站栏目</a>。</p>',
    )
    text = item_text(page)
    assert "这个网站（http://www.bad-casino.example/x）" in text
    assert "本站栏目" in text and "linktype" not in text


def test_title_then_main_text_then_other_fields(edu, publish):
    page = publish(edu, "标题在前", "<p>正文内容</p>", summary="内容概述", source="市教育局")
    parts = page_text(page).parts
    assert [p.label for p in parts][:2] == ["标题", "正文"]
    assert {"内容概述", "来源"} <= {p.label for p in parts}
    text = item_text(page)
    for p in parts:  # offsets of each part are offsets into item_text
        assert text[p.start : p.start + len(p.text)] == p.text


def test_stream_field_text_and_linked_documents(edu, publish):
    from tests.monitoring.conftest import make_document

    doc = make_document("附件一", "a.txt", "附件正文".encode())
    page = publish(
        edu,
        "附件示例",
        f'<p>见<a linktype="document" id="{doc.pk}">附件</a></p>',
        attachments=[{"type": "attachment", "value": {"title": "附件一名单", "document": doc.pk}}],
    )
    item = page_text(page)
    assert "附件一名单" in item.text
    assert item.documents == [doc.pk, doc.pk]


def test_a_draft_is_checked_as_in_its_latest_revision(edu, publish):
    """The workflow checks what was submitted: a live page with a newer draft is checked as the draft."""
    from govportal.portal.models import ArticlePage

    page = publish(edu, "已发布的信息", "<p>内容正常。</p>")
    draft = page.get_latest_revision_as_object()
    draft.body = "<p>截止目前，共受理来信120件。</p>"
    draft.save_revision()
    fresh = ArticlePage.objects.get(pk=page.pk)
    assert fresh.body == "<p>内容正常。</p>"  # live content unchanged
    assert [f.text for f in check_item(fresh) if f.kind == "typo"] == ["截止"]
    # the revision object and the base Page are checked the same way
    revision = fresh.get_latest_revision()
    assert [f.text for f in check_item(revision.as_object()) if f.kind == "typo"] == ["截止"]
    from wagtail.models import Page

    assert [f.text for f in check_item(Page.objects.get(pk=page.pk)) if f.kind == "typo"] == ["截止"]


def test_an_unsaved_page_is_checked_as_it_is(qinzhou):
    from govportal.portal.models import ArticlePage

    page = ArticlePage(title="未保存", body="<p>联系电话13877712345</p>")
    found = check_item(page)
    assert [f.subkind for f in found] == ["手机号码"]
    assert item_text(page)[found[0].start : found[0].end] == "13877712345"
