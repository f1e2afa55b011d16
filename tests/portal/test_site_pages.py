"""Site-wide pages: home, channel pages with sub-columns, pagination, sitemap.xml, feeds, footer, demo content."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from wagtail.models import Site

from govportal.portal.models import (
    ArticlePage,
    ColumnPage,
    PolicyDocumentPage,
    PortalSettings,
    SupplyMethod,
)
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_channel_page_shows_each_subcolumn_with_its_latest_items(client, qinzhou):
    publish(
        column(qinzhou, "动态信息", "政务要闻"),
        ArticlePage,
        "市政府召开专题会议研究防汛工作",
        body="<p>x</p>",
    )
    publish(column(qinzhou, "动态信息", "县区动态"), ArticlePage, "浦北县启动春耕生产", body="<p>x</p>")
    html = client.get(column(qinzhou, "动态信息").url).content.decode()
    assert "市政府召开专题会议研究防汛工作" in html and "浦北县启动春耕生产" in html
    assert html.count('class="section-box"') >= 5  # one per sub-column
    assert "暂无信息" in html  # an empty sub-column says so


def test_column_list_paginates(client, qinzhou):
    news = column(qinzhou, "动态信息", "部门动态")
    base = timezone.make_aware(datetime(2026, 1, 1, 9))
    for i in range(25):
        publish(news, ArticlePage, f"部门动态第{i:02d}条", body="<p>x</p>", date=base + timedelta(days=i))
    html = client.get(news.url).content.decode()
    assert "部门动态第24条" in html and "部门动态第04条" not in html
    assert "共 25 条，2 页" in html and 'rel="next"' in html
    page2 = client.get(news.url + "?page=2").content.decode()
    assert "部门动态第04条" in page2 and "部门动态第24条" not in page2
    assert client.get(news.url + "?page=abc").status_code == 200


def test_home_page_has_news_policies_services_interaction_and_footer(client, qinzhou):
    publish(column(qinzhou, "动态信息", "政务要闻"), ArticlePage, "全市经济运行稳中向好", body="<p>x</p>")
    publish(
        column(qinzhou, "政府信息公开", "政策文件"),
        PolicyDocumentPage,
        "钦州市促进消费若干措施",
        issuing_organ="钦州市人民政府",
        body="<p>x</p>",
    )
    site = Site.objects.get(root_page=qinzhou)
    settings = PortalSettings.for_site(site)
    settings.site_code, settings.icp_number, settings.police_number = (
        "4507000099",
        "桂ICP备12345678号",
        "桂公网安备45070202000001号",
    )
    settings.save()
    html = client.get("/").content.decode()
    assert "全市经济运行稳中向好" in html and "钦州市促进消费若干措施" in html
    assert (
        "政务服务" in html
        and "互动交流" in html
        and "我为政府网站找错" in html
        and 'href="/jiucuo/?url=/"' in html
    )
    for text in (
        "网站标识码：4507000099",
        "桂ICP备12345678号",
        "桂公网安备45070202000001号",
        "主办单位：市人民政府办公室",
    ):
        assert text in html
    assert '<meta name="SiteIDCode" content="4507000099">' in html
    assert 'action="/search/"' in html and 'name="q"' in html and 'role="search"' in html


def test_every_public_page_has_skip_link_and_senior_mode_toggle(client, qinzhou):
    html = client.get(column(qinzhou, "通知公告").url).content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert 'id="senior-toggle"' in html and "/static/js/portal.js" in html
    assert '<script src="http' not in html and "//cdn" not in html  # nothing from elsewhere


def test_site_map_lists_channels_columns_and_subsites(client, qinzhou):
    html = client.get("/sitemap/").content.decode()
    assert "学前教育" in html and "lv4" in html and "政府信息公开" in html
    assert "/sitemap.xml" in html


def test_sitemap_xml_lists_public_pages_but_not_link_columns(client, qinzhou):
    item = publish(column(qinzhou, "通知公告"), ArticlePage, "关于开展消防安全检查的通告", body="<p>x</p>")
    link = column(qinzhou, "概览钦州", "人文旅游")
    link.supply_method, link.link_url = SupplyMethod.LINK, "https://www.gxzf.gov.cn/"
    link.save()
    response = client.get("/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    locs = [u.find(f"{SM}loc").text for u in root.findall(f"{SM}url")]
    assert f"http://testserver{item.url}" in locs
    assert f"http://testserver{column(qinzhou, '通知公告').url}" in locs
    assert f"http://testserver{link.url}" not in locs
    by_loc = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    lastmod = by_loc[f"http://testserver{item.url}"].find(f"{SM}lastmod").text
    assert lastmod == timezone.localdate().isoformat()


def test_sitemap_splits_into_an_index_beyond_the_protocol_limit(client, qinzhou, monkeypatch):
    from govportal.portal import views

    monkeypatch.setattr(views, "SITEMAP_LIMIT", 50)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    parts = [s.find(f"{SM}loc").text for s in root.findall(f"{SM}sitemap")]
    assert parts[0] == "http://testserver/sitemap-1.xml" and len(parts) >= 2
    second = ET.fromstring(client.get("/sitemap-2.xml").content)
    assert len(second.findall(f"{SM}url")) <= 50
    assert client.get("/sitemap-999.xml").status_code == 404


def test_rss_and_atom_feeds_per_column(client, qinzhou):
    notices = column(qinzhou, "通知公告")
    publish(
        notices, ArticlePage, "关于调整公交线路的通告", body="<p>自12月1日起调整。</p>", source="市交通运输局"
    )
    rss = client.get(f"/feeds/{notices.pk}.xml")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.find("title").text.startswith("通知公告")
    titles = [i.find("title").text for i in channel.findall("item")]
    assert "关于调整公交线路的通告" in titles
    atom = client.get(f"/feeds/{notices.pk}.atom")
    assert (
        atom["Content-Type"].startswith("application/atom+xml")
        and "关于调整公交线路的通告" in atom.content.decode()
    )
    assert f'href="/feeds/{notices.pk}.xml"' in client.get(notices.url).content.decode()
    item = ArticlePage.objects.get(title="关于调整公交线路的通告")
    assert client.get(f"/feeds/{item.pk}.xml").status_code == 404  # items have no feed
    assert client.get("/feeds/999999.xml").status_code == 404


def test_subsite_pages_share_the_style(client, qinzhou):
    from govportal.accounts.models import Unit
    from govportal.portal.columns import create_subsite

    subsite = create_subsite(Unit.objects.get(locality="qinzhou", name="市教育局"))
    news = ColumnPage.objects.child_of(subsite).get(title="工作动态")
    news.save_revision().publish()
    publish(news, ArticlePage, "市教育局召开全市教育工作会议", body="<p>x</p>")
    html = client.get(subsite.url).content.decode()
    assert "subsite-banner" in html and "市教育局" in html and "/static/css/portal.css" in html
    assert "市教育局召开全市教育工作会议" in html


def test_demo_content_covers_every_kind_and_is_idempotent(qinzhou):
    from govportal.portal.demo_content import add_demo_items
    from govportal.portal.listing import item_models

    created = add_demo_items(qinzhou)
    assert created > 30
    from govportal.participation.demo import prepare as participation_demo  # its kinds' demo lives there

    participation_demo(qinzhou)
    for model in item_models():
        assert model.objects.live().descendant_of(qinzhou).exists(), model.__name__
    assert add_demo_items(qinzhou) == 0
    repealed = PolicyDocumentPage.objects.get(document_number="钦政办规〔2024〕5号")
    assert repealed.validity == "已废止" and repealed.validity_changed_by is not None


def test_a_new_kind_in_a_column_shows_at_once(client, qinzhou):
    """Lists skip the kinds a column has no items of (a cached map); publishing drops the map at once."""
    from govportal.portal.models import DataReleasePage

    channel = column(qinzhou, "钦州数据")
    client.get(channel.url)  # the map is now cached without this release
    client.get("/")
    publish(
        column(qinzhou, "钦州数据", "数据发布", "统计公报"),
        DataReleasePage,
        "2026年国民经济和社会发展统计公报",
        data_text="",
        data={},
    )
    assert "2026年国民经济和社会发展统计公报" in client.get(channel.url).content.decode()
    assert "2026年国民经济和社会发展统计公报" in client.get("/").content.decode()


def test_error_report_link_carries_the_page_and_follows_the_site_setting(client, qinzhou):
    """页脚“我为政府网站找错”: the form opens with the page the visitor was reading already filled in."""
    news = column(qinzhou, "动态信息", "政务要闻")
    item = publish(news, ArticlePage, "全市城乡环境整治推进会召开", body="<p>x</p>")
    html = client.get(item.url).content.decode()
    link = f'href="/jiucuo/?url={item.url}"'
    assert link in html and "我为政府网站找错" in html
    form = client.get(f"/jiucuo/?url={item.url}").content.decode()
    assert item.url in form  # the error-report form shows the page it is about

    html = client.get(news.url + "?page=2").content.decode()
    assert f'href="/jiucuo/?url={news.url}%3Fpage%3D2"' in html

    settings = PortalSettings.for_site(Site.objects.get(root_page=qinzhou))
    assert settings.error_report_url == "/jiucuo/"
    settings.error_report_url = "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteId.action"
    settings.save()
    html = client.get(item.url).content.decode()
    assert f'href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteId.action?url={item.url}"' in html


def test_only_the_home_page_marks_home_as_the_current_page(client, qinzhou):
    """屏幕阅读器: the catalogue, the site map and search are not announced as “首页, 当前页面”."""
    home_link = '<a href="/" aria-current="page">首页</a>'
    assert home_link in client.get("/").content.decode()
    for url in ("/gkml/", "/sitemap/", "/search/?q=通知"):
        html = client.get(url).content.decode()
        assert home_link not in html and '<a href="/">首页</a>' in html, url
