"""Error pages speak Chinese and keep the site's frame: a withdrawn item says it is gone, with a search box
and a way home; a server error shows a plain Chinese page without touching the database."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from govportal.portal.models import ArticlePage
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_withdrawn_item_gives_the_chinese_404_page(client, qinzhou):
    item = publish(column(qinzhou, "通知公告"), ArticlePage, "关于停水的通知", body="<p>停水一天。</p>")
    url = item.url
    assert client.get(url).status_code == 200
    item.unpublish()

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-CN">' in html
    assert "您访问的页面不存在或已撤回" in html and "停水一天" not in html
    assert 'action="/search/"' in html and 'href="/"' in html and "返回首页" in html
    assert "主办单位" in html and "我为政府网站找错" in html  # the site's footer
    assert "Not Found" not in html


@override_settings(DEBUG=False)
def test_unknown_address_gives_the_same_page(client, qinzhou):
    response = client.get("/no-such-column/nothing/")
    assert response.status_code == 404 and "您访问的页面不存在或已撤回" in response.content.decode()


def test_server_error_page_is_chinese_and_needs_no_database(django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-CN">' in html and "网站暂时无法访问" in html and 'href="/"' in html
    assert "<link" not in html and "<script" not in html  # self-contained: works when static files do not
