"""互动交流 → 政务咨询 lists the mailbox's public letters instead of boxes of 暂无信息 (issue 19)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories
from tests.factories import column

pytestmark = pytest.mark.django_db


def test_the_consultation_channel_shows_public_letters_and_links(client, qinzhou):
    from govportal.portal.models import SupplyMethod

    for title, url in (("市长信箱", "/xinjian/"), ("信件统计", "/xinjian/tongji/")):
        c = column(qinzhou, "互动交流", "政务咨询", title)
        c.supply_method, c.link_url = SupplyMethod.LINK, url
        c.save_revision().publish()
    public = factories.letter(
        subject="私人标题 李明",
        content="李明 13877700000",
        query_code="XJCOL0001",
        publication="published",
        published_at=timezone.now(),
        public_subject="外地户籍如何办理居住证",
        public_content="如何办理？",
    )
    factories.letter(type="complaint", type_name="投诉", subject="未公开的来信", query_code="XJCOL0002")
    page = column(qinzhou, "互动交流", "政务咨询")
    html = client.get(page.url).content.decode()
    assert "外地户籍如何办理居住证" in html and f'href="/xinjian/{public.pk}/"' in html
    assert "进入信件统计" in html and 'href="/xinjian/tongji/"' in html
    assert "未公开的来信" not in html and "李明" not in html
    # Only the two columns with neither items nor a link (咨询投诉, 热点回应 here) say so, in words.
    assert html.count("本栏目暂无信息。") == 2
