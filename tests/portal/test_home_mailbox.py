"""The mailbox is on the home page (issue 19): 我要写信, the profile's mailbox name, 信件查询; /favicon.ico."""

from __future__ import annotations

from django.test import Client


def test_the_home_page_leads_to_the_mailbox(qinzhou):
    html = Client().get(qinzhou.url).content.decode()
    assert 'href="/xinjian/xie/">我要写信<' in html
    assert "市长信箱（公开来信）" in html and 'href="/xinjian/chaxun/"' in html


def test_favicon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
