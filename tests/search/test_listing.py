"""Lists of items from the index (``govportal.search.listing``) agree with the page tree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govportal.portal.models import PolicyDocumentPage
from govportal.search.listing import latest, paginate
from tests.factories import column, item

pytestmark = pytest.mark.django_db


def test_latest_items_of_every_kind_newest_first(qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    documents = column(qinzhou, "政府信息公开", "政策文件")
    now = timezone.now()
    a = item(news, "三天前的新闻", "<p>x</p>", date=now - timedelta(days=3))
    b = item(
        documents,
        "昨天的文件",
        "<p>x</p>",
        kind=PolicyDocumentPage,
        document_number="钦政发〔2026〕1号",
        issuing_organ="钦州市人民政府",
        date=now - timedelta(days=1),
    )
    c = item(news, "今天的新闻", "<p>x</p>", date=now)
    assert [i.title for i in latest(qinzhou, 3)] == [c.title, b.title, a.title]
    assert [i.title for i in latest(news, 5)] == [c.title, a.title]
    assert [i.title for i in latest(qinzhou, 5, kinds=["policydocumentpage"])] == [b.title]
    first = latest(qinzhou, 1)[0]
    assert first.url == c.url and first.kind_label == "信息"
    # A channel's own items only, or everything below it.
    channel = column(qinzhou, "动态信息")
    assert latest(channel, 5, children_only=True) == []
    assert len(latest(channel, 5)) == 2
    c.unpublish()
    assert [i.title for i in latest(news, 5)] == [a.title]


def test_paginated_column_list(qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    for i in range(25):
        item(news, f"第{i}条", "<p>x</p>", date=timezone.now() - timedelta(hours=i))
    page2 = paginate(news, page=2, per_page=10)
    assert page2.total == 25 and page2.num_pages == 3 and page2.has_next and page2.has_previous
    assert [i.title for i in page2.items] == [f"第{i}条" for i in range(10, 20)]
    assert [i.title for i in paginate(news, page=99, per_page=10).items] == [
        f"第{i}条" for i in range(20, 25)
    ]
