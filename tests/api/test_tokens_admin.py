"""Issuing tokens: a site administrator in the back office (for their own locality's sites), the operator
with ``govportal api-token``; the raw token is shown once and works at once."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from govportal.api.models import ApiConsumer

pytestmark = pytest.mark.django_db

ADMIN_UNIT = "市人民政府办公室电子政务中心"


def test_a_site_administrator_issues_a_token_for_their_own_site_only(
    client, make_person, main_site, other_site, call
):
    admin = make_person(ADMIN_UNIT, "site_admin")
    client.force_login(admin)
    page = client.get("/admin/open-api/")
    html = page.content.decode()
    assert page.status_code == 200 and "创建令牌" in html
    assert main_site.hostname in html and "xiaozhan.test" not in html and "可读取全部网站" not in html

    # Another locality's site cannot be chosen, nor nothing at all.
    refused = client.post("/admin/open-api/", {"name": "省监管平台", "sites": [other_site.pk]})
    assert "xiaozhan" not in refused.content.decode() and not ApiConsumer.objects.exists()
    empty = client.post("/admin/open-api/", {"name": "省监管平台", "rate": "很多"})
    assert "请选择令牌可读取的网站" in empty.content.decode() and "格式应如" in empty.content.decode()

    made = client.post(
        "/admin/open-api/",
        {"name": "省政府网站监管平台", "organisation": "省大数据局", "sites": [main_site.pk], "rate": "60/m"},
    )
    raw = re.search(r"Bearer (gpk_[\w-]+)", made.content.decode()).group(1)
    assert "no-store" in made["Cache-Control"]
    consumer = ApiConsumer.objects.get()
    assert consumer.locality == "qinzhou" and consumer.created_by == admin and consumer.rate == "60/m"
    assert raw not in client.get("/admin/open-api/").content.decode()  # shown once only
    assert call(raw, "/sites").json()["items"][0]["id"] == main_site.pk

    client.post(f"/admin/open-api/{consumer.pk}/revoke/")
    assert call(raw, "/sites").status_code == 401


def test_an_editor_may_not_manage_tokens(client, make_person):
    client.force_login(make_person("市教育局", "editor"))
    assert client.get("/admin/open-api/").status_code in (302, 403)


def test_the_command_creates_lists_and_revokes(main_site, call):
    out = StringIO()
    call_command("api_token", "create", "省政府网站监管平台", "--site", main_site.hostname, stdout=out)
    raw = re.search(r"^(gpk_\S+)$", out.getvalue(), re.M).group(1)
    assert call(raw, "/items").status_code == 200
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "省政府网站监管平台" in listing.getvalue() and raw not in listing.getvalue()
    call_command("api_token", "revoke", str(ApiConsumer.objects.get().pk), stdout=StringIO())
    assert call(raw, "/items").status_code == 401


def test_a_site_administrator_cannot_stop_the_platforms_tokens(client, make_person, token, call):
    platform, raw = token(name="全省政务数据共享平台", all_sites=True)  # the platform's (no locality)
    client.force_login(make_person(ADMIN_UNIT, "site_admin"))
    assert "全省政务数据共享平台" not in client.get("/admin/open-api/").content.decode()
    assert client.post(f"/admin/open-api/{platform.pk}/revoke/").status_code == 404
    assert call(raw, "/sites").status_code == 200


def test_the_superuser_may_issue_a_token_for_every_site(client, main_site, other_site, call):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="Root#Pw2026")
    client.force_login(root)
    assert "可读取全部网站" in client.get("/admin/open-api/").content.decode()
    made = client.post("/admin/open-api/", {"name": "全省检索平台", "all_sites": "on"})
    raw = re.search(r"Bearer (gpk_[\w-]+)", made.content.decode()).group(1)
    assert {main_site.pk, other_site.pk} <= {s["id"] for s in call(raw, "/sites").json()["items"]}
