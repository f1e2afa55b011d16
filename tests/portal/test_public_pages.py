"""The public site renders the tree: home page, channels, columns, items, site map, footer."""

from __future__ import annotations

import pytest

from govportal.portal.models import ArticlePage
from tests.conftest import column

pytestmark = pytest.mark.django_db


def test_home_page_shows_channels_and_footer(client, qinzhou):
    html = client.get("/").content.decode()
    for channel in ("概览钦州", "动态信息", "政府信息公开", "互动交流"):
        assert channel in html
    assert "主办单位：市人民政府办公室" in html
    assert "网站地图" in html and "我为政府网站找错" in html
    assert '<html lang="zh-CN">' in html


def test_column_page_lists_subcolumns_and_items(client, qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    item = ArticlePage(title="全市冬季安全生产工作会议召开", body="<p>会议要求……</p>")
    news.add_child(instance=item)
    item.save_revision().publish()

    channel = client.get(column(qinzhou, "动态信息").url).content.decode()
    assert "政务要闻" in channel and "部门动态" in channel
    listing = client.get(news.url).content.decode()
    assert "全市冬季安全生产工作会议召开" in listing
    page = client.get(item.url).content.decode()
    assert "会议要求" in page and "发布日期" in page


def test_empty_column_says_so(client, qinzhou):
    assert "本栏目暂无信息" in client.get(column(qinzhou, "概览钦州", "自然地理").url).content.decode()


def test_site_map_lists_every_level(client, qinzhou):
    html = client.get("/sitemap/").content.decode()
    assert "学前教育" in html and "lv4" in html


def test_link_column_redirects(client, qinzhou):
    from govportal.portal.models import SupplyMethod

    link = column(qinzhou, "概览钦州", "人文旅游")
    link.supply_method, link.link_url = SupplyMethod.LINK, "https://www.gxzf.gov.cn/"
    link.save()
    response = client.get(link.url)
    assert response.status_code == 302 and response["Location"] == "https://www.gxzf.gov.cn/"


def test_admin_speaks_chinese(client):
    html = client.get("/admin/login/").content.decode()
    assert "登录" in html
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans"
