"""Withdrawal (撤回) and the publication register (造册登记, 000 Art. 28 (1))."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.signals import page_unpublished

from govportal.publishing.models import RegisterEntry, Withdrawal

from .conftest import publish_reviewed, submit, text

pytestmark = pytest.mark.django_db


def publish_government_item(client, people, draft, **fields):
    """Through the unit's review, then the host office's and its leader's (000 Art. 28: government items)."""
    return publish_reviewed(
        client, people, draft, people.host_office, people.host_leader, info_category="government", **fields
    )


def test_withdrawal_takes_the_item_off_the_public_site_at_once(client, people, draft):
    page = publish_reviewed(client, people, draft)
    url = page.url
    assert client.get(url).status_code == 200
    unpublished = []

    def listener(sender, instance, **kwargs):
        unpublished.append(instance.pk)

    page_unpublished.connect(listener)
    try:
        client.force_login(people.leader)
        form = client.get(reverse("publishing_withdraw", args=[page.pk]))
        assert "撤回原因" in text(form)
        empty = client.post(reverse("publishing_withdraw", args=[page.pk]), {"reason": ""})
        assert "请写明撤回原因" in text(empty)
        page.refresh_from_db()
        assert page.live
        client.post(
            reverse("publishing_withdraw", args=[page.pk]), {"reason": "文中开学日期有误，已另行发布更正"}
        )
    finally:
        page_unpublished.disconnect(listener)

    page.refresh_from_db()
    assert not page.live
    assert unpublished == [page.pk]  # the cache's page_unpublished handler runs
    client.logout()
    assert client.get(url).status_code == 404
    # It stays in the back office with the record of who withdrew it and why.
    record = Withdrawal.objects.get(page=page)
    assert record.user == people.leader and "开学日期有误" in record.reason
    client.force_login(people.editor)
    html = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "已撤回" in html and "开学日期有误" in html
    history = text(client.get(reverse("wagtailadmin_pages:history", args=[page.pk])))
    assert "已从网站撤回" in history and "开学日期有误" in history


def test_only_responsible_people_may_withdraw(client, people, draft):
    page = publish_reviewed(client, people, draft)
    for user in (people.editor, people.other_leader):
        client.force_login(user)
        client.post(reverse("publishing_withdraw", args=[page.pk]), {"reason": "我想撤回这条信息"})
        page.refresh_from_db()
        assert page.live, user
    client.force_login(people.site_admin)
    client.post(reverse("publishing_withdraw", args=[page.pk]), {"reason": "内容失当，按要求撤回"})
    page.refresh_from_db()
    assert not page.live


def test_wagtails_unpublish_leads_to_the_withdrawal_form(client, people, draft):
    page = publish_reviewed(client, people, draft)
    client.force_login(people.leader)
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]), {})
    assert response.status_code == 302 and response["Location"] == reverse(
        "publishing_withdraw", args=[page.pk]
    )
    page.refresh_from_db()
    assert page.live  # no reason given, nothing withdrawn


def test_register_lists_exactly_what_was_published_in_the_governments_name(client, people, draft):
    first = publish_government_item(client, people, draft, title="关于做好2026年义务教育招生工作的通知")
    publish_reviewed(client, people, draft, title="市教育局召开2026年春季学期开学工作部署会")
    second = publish_government_item(client, people, draft, title="关于进一步加强校园安全管理工作的通知")
    # A government item still under review is not registered.
    pending = draft(title="关于开展2026年教师节表彰活动的通知", info_category="government")
    submit(pending, people.editor)

    entries = list(RegisterEntry.objects.filter(locality="qinzhou").order_by("serial"))
    assert [e.title for e in entries] == [first.title, second.title]
    assert [e.number[-4:] for e in entries] == ["0001", "0002"]
    chain = entries[0].approval_chain
    assert [c["stage"] for c in chain] == [
        "初审初校",
        "科室审核",
        "部门负责人审批",
        "政府办审核把关",
        "政府办审批",
    ]
    assert chain[3]["unit"] == "市人民政府办公室"

    client.force_login(people.host_office)
    html = client.get(reverse("publishing_register")).content.decode()
    table = html[html.index('class="pub-table"') :]
    page = text(table[: table.index("</table>")])
    assert first.title in page and second.title in page
    assert "市教育局召开2026年春季学期开学工作部署会" not in page and pending.title not in page

    export = client.get(reverse("publishing_register") + "?format=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [r[1] for r in rows] == [second.title, first.title]
    assert "政府办审批" in rows[0][9] and rows[0][11] == "在网"

    # Withdrawn, it stays in the register with the date and reason.
    client.force_login(people.host_office)
    client.post(reverse("publishing_withdraw", args=[first.pk]), {"reason": "政策已调整，撤回原通知"})
    entry = RegisterEntry.objects.get(page_ref=first.pk)
    assert entry.withdrawn_at is not None and "政策已调整" in entry.withdraw_reason
    assert "已撤回" in text(client.get(reverse("publishing_register")))


def test_register_is_for_the_host_office_not_for_units(client, people):
    client.force_login(people.editor)
    response = client.get(reverse("publishing_register"), follow=True)
    assert "没有权限" in text(response)


def test_two_publications_at_once_both_go_out_with_their_own_numbers(client, people, draft, monkeypatch):
    """Two publications may read the same last number; the second is renumbered, not aborted."""
    from govportal.publishing import register

    first = publish_government_item(client, people, draft, title="关于做好2026年义务教育招生工作的通知")
    real = register.next_serial
    stale = iter([1])  # what the second publication read before the first one's entry was written

    def racing(locality, year):
        return next(stale, None) or real(locality, year)

    monkeypatch.setattr(register, "next_serial", racing)
    second = publish_government_item(client, people, draft, title="关于进一步加强校园安全管理工作的通知")
    assert second.live
    numbers = {e.page_ref: e.number[-4:] for e in RegisterEntry.objects.filter(locality="qinzhou")}
    assert numbers == {first.pk: "0001", second.pk: "0002"}


def test_register_export_keeps_a_title_that_looks_like_a_formula_as_text(client, people, qinzhou):
    from django.utils import timezone

    title = '=HYPERLINK("http://evil.example/","关于做好招生工作的通知")'
    now = timezone.now()
    RegisterEntry.objects.create(
        locality="qinzhou",
        year=now.year,
        serial=1,
        page_ref=999_999,
        title=title,
        document_number="+钦政发〔2026〕1号",
        first_published_at=now,
        last_published_at=now,
    )
    client.force_login(people.host_office)
    export = client.get(reverse("publishing_register") + "?format=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    title_cell, number_cell = ws["B3"], ws["C3"]
    assert title_cell.value == title and title_cell.data_type == "s"  # shown as typed, never run
    assert number_cell.value == "+钦政发〔2026〕1号" and number_cell.data_type == "s"
