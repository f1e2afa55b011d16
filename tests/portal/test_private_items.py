"""A password-protected (view-restricted) item, or an item in a protected column, shows nowhere a visitor
without the password can read it: not in the column list, the feeds, the catalogue or the site map."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from govportal.portal.models import ArticlePage, PolicyDocumentPage
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db

SECRET = "内部值班安排：请勿外传的电话号码13800000000"


@pytest.fixture
def notices(qinzhou):
    return column(qinzhou, "通知公告")


def _protect(page):
    return PageViewRestriction.objects.create(page=page, restriction_type="password", password="pw-2026")


def test_protected_item_is_left_out_of_list_feeds_and_site_map(client, notices):
    open_item = publish(notices, ArticlePage, "关于春节假期安排的通知", body="<p>放假七天。</p>")
    hidden = publish(notices, ArticlePage, "内部值班安排", body=f"<p>{SECRET}</p>", summary=SECRET)
    _protect(hidden)

    listing = client.get(notices.url).content.decode()
    assert open_item.title in listing and hidden.title not in listing
    for feed in (f"/feeds/{notices.pk}.xml", f"/feeds/{notices.pk}.atom"):
        body = client.get(feed).content.decode()
        assert open_item.title in body
        assert hidden.title not in body and "13800000000" not in body
    assert hidden.url_path.rstrip("/").rsplit("/", 1)[1] not in client.get("/sitemap.xml").content.decode()
    # The item itself asks for the password instead of showing the text.
    page = client.get(hidden.url).content.decode()
    assert "13800000000" not in page

    PageViewRestriction.objects.filter(page=hidden).delete()
    assert hidden.title in client.get(notices.url).content.decode()
    assert hidden.title in client.get(f"/feeds/{notices.pk}.xml").content.decode()


def test_items_of_a_protected_column_are_left_out_and_its_feed_is_gone(client, qinzhou, notices):
    news = column(qinzhou, "动态信息", "政务要闻")
    item = publish(news, ArticlePage, "内部会议纪要第十二期", body=f"<p>{SECRET}</p>")
    _protect(news)
    assert client.get(f"/feeds/{news.pk}.xml").status_code == 404
    channel = client.get(column(qinzhou, "动态信息").url).content.decode()
    assert item.title not in channel
    assert item.title not in client.get("/").content.decode()


def test_protected_document_is_left_out_of_the_catalogue(client, qinzhou):
    documents = column(qinzhou, "政府信息公开", "政策文件")
    shown = publish(
        documents, PolicyDocumentPage, "钦州市公开文件甲", body="<p>正文</p>", issuing_organ="钦州市人民政府"
    )
    hidden = publish(
        documents, PolicyDocumentPage, "钦州市内部文件乙", body="<p>正文</p>", issuing_organ="钦州市人民政府"
    )
    _protect(hidden)
    html = client.get("/gkml/").content.decode()
    assert shown.title in html and hidden.title not in html
    assert hidden.title not in client.get(documents.url).content.decode()
