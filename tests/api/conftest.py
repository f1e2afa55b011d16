"""Fixtures of the open API tests: the 钦州 portal (the default site), a second small site, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def other_site(db):
    """A second site on the platform (测试小站, xiaozhan.test) with one column and one item."""
    from wagtail.models import Page, Site

    from govportal.portal.models import ArticlePage, ColumnPage, HomePage

    home = HomePage(title="测试小站", slug="xiaozhan")
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    col = ColumnPage(title="工作动态", slug="gzdt", show_in_menus=True)
    home.add_child(instance=col)
    col.save_revision().publish()
    item = ArticlePage(
        title="小站的工作动态", body="<p>小站正文</p>", date=timezone.now() - timedelta(hours=2)
    )
    col.add_child(instance=item)
    item.save_revision().publish()
    site = Site.objects.create(hostname="xiaozhan.test", port=80, root_page=home, site_name="测试小站")
    site.item = item
    site.column = col
    return site


@pytest.fixture
def main_site(qinzhou):
    from wagtail.models import Site

    return Site.objects.get(root_page=qinzhou)


@pytest.fixture
def token(db):
    """token(sites=[...]) or token(all_sites=True) -> (consumer, raw token)."""
    from govportal.api.tokens import issue

    def make(name="省政府网站监管平台", **kwargs):
        return issue(name, organisation="省政务服务和大数据管理局", **kwargs)

    return make


@pytest.fixture
def call(client):
    """call(raw, "/items", **params) -> response of GET /api/v1/items with the bearer token."""

    def get(raw, path, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
        return client.get(f"/api/v1{path}", params, **headers)

    return get
