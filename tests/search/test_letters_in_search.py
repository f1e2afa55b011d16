"""Published letters in site search (issue 19): a letter answered and made public is found by its public
title, text and reply; a letter not made public, and the writer's personal data, never."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def letter(n: int, publication: str, **fields):
    base = dict(
        type="complaint",
        type_name="投诉",
        subject="小区门口路灯不亮",
        content="李明反映：小区门口路灯坏了两周。电话13877700000。",
        writer_name="李明",
        writer_contact="13877700000",
        query_code=f"XJTEST{n:04d}",
        publication=publication,
    )
    base.update(fields)
    return factories.letter(**base)


def search_page(client, q: str) -> str:
    return client.get("/search/", {"q": q}).content.decode()


def test_a_public_letter_is_found_and_links_to_its_page(client, qinzhou):
    found = letter(
        1,
        "published",
        published_at=timezone.now(),
        public_subject="小区门口路灯不亮",
        public_content="市民反映：小区门口路灯坏了两周。",
        public_reply="经核查，路灯已于12月3日修复。",
    )
    html = search_page(client, "路灯")
    assert (
        "公开信件（1 件）" in html and f'href="/xinjian/{found.pk}/"' in html and "小区门口路灯不亮" in html
    )
    assert "公开信件（1 件）" in search_page(client, "修复")  # the public reply is searched too
    assert client.get(f"/xinjian/{found.pk}/").status_code == 200


def test_private_letters_and_personal_data_are_never_found(client, qinzhou):
    letter(2, "undecided", subject="学校食堂卫生问题", content="食堂卫生差。")
    letter(
        3,
        "withheld",
        subject="学校食堂卫生问题",
        content="食堂卫生差。",
        withheld_code="privacy_trade_secret",
    )
    letter(
        4,
        "published",
        published_at=timezone.now(),
        public_subject="小区门口路灯不亮",
        public_content="市民反映：小区门口路灯坏了两周。",
        public_reply="已修复。",
    )
    assert "公开信件" not in search_page(client, "食堂")
    for personal in ("李明", "13877700000"):
        html = search_page(client, personal)
        assert "公开信件" not in html and "小区门口路灯不亮" not in html
