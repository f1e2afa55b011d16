"""Stored XSS: a data release row ``</script><script>alert(document.domain)</script>`` came out unescaped
in the chart's JSON (``json.dumps`` rendered ``|safe``) on the public page and in view_draft."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from govportal.portal.data_tables import parse_rows, rows_from_text
from govportal.portal.models import DataReleasePage, OrganisationPage
from tests.conftest import column

from .conftest import person
from .payloads import XSS

pytestmark = pytest.mark.django_db

TABLE = f"指标\t单位\t2026年1-3月\t2026年1-6月\n{XSS}\t亿元\t452.3\t938.7\n正常指标\t<b>万人</b>\t1\t2\n"


def _release(qinzhou, live=True):
    from govportal.accounts.models import Unit

    col = column(qinzhou, "钦州数据", "数据发布", "国民经济主要指标")
    unit = Unit.objects.get(locality="qinzhou", name="市统计局")
    page = DataReleasePage(
        title="2026年上半年主要经济指标",
        data_text=TABLE,
        data=parse_rows(rows_from_text(TABLE)).to_dict(),
        chart_type="bar",
        unit=unit,
        live=live,
    )
    col.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


def _assert_inert(html: str):
    assert "<script>alert(document.domain)" not in html
    assert "<b>万人</b>" not in html
    data = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert data, "the chart's data is in a json_script block"
    rows = json.loads(data.group(1))["rows"]
    assert rows[0]["indicator"] == XSS  # the value survives, as data


def test_data_release_row_is_inert_on_the_public_page(client, qinzhou):
    page = _release(qinzhou)
    response = client.get(page.url)
    assert response.status_code == 200
    _assert_inert(response.content.decode())


def test_data_release_row_is_inert_in_view_draft(client, qinzhou):
    page = _release(qinzhou, live=False)
    client.force_login(person("市统计局", "editor", username="stat_editor"))
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    _assert_inert(response.content.decode())


def test_addresses_typed_in_the_back_office_never_become_script_links(client, qinzhou):
    """An organisation's website typed as ``javascript:…`` is shown, but not as a usable link."""
    col = column(qinzhou, "政府信息公开", "法定主动公开内容", "机构职能", "机构设置")
    page = OrganisationPage(
        title="测试机构",
        website="javascript:alert(document.cookie)",
        functions="<p>职能</p>",
        address="钦州市",
        hours="工作日",
        phone="0777-2222222",
        live=True,
    )
    col.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'href="javascript:' not in html
    assert "javascript:alert(document.cookie)" in html  # still readable as text
