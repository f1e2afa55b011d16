"""The review walks every route end to end with real users of the right units and roles (000 Art. 28,
002 Art. 22-23): machine check, the unit's three stages, the routes that add stages, co-signing, rejection
with reasons, and what a reviewer of another unit cannot do."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from govportal.accounts.models import Unit
from govportal.notices.models import Notice
from govportal.publishing.models import ReviewDecision

from .conftest import approve_all, current, review, submit, text

pytestmark = pytest.mark.django_db


def stage_names(page):
    ws = WorkflowState.objects.for_instance(page).order_by("-id").first()
    return [
        (ts.task.name, ts.status)
        for ts in TaskState.objects.filter(workflow_state=ws).order_by("id").select_related("task")
    ]


def test_unit_item_passes_three_stages_in_its_unit_and_is_published(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    # The machine check ran first and passed; the item waits for the editor's own first review.
    assert current(page).task.name == "初审初校"
    assert not page.live

    approve_all(client, page, people.editor)
    assert current(page).task.name == "科室审核"
    approve_all(client, page, people.chief)
    assert current(page).task.name == "部门负责人审批"
    assert not page.live
    approve_all(client, page, people.leader)

    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200
    # The route: machine check passed, three stages approved, every other stage skipped.
    names = stage_names(page)
    assert names[0] == ("机器检查（错敏信息）", "approved")
    assert [n for n, s in names if s == "approved"][1:] == ["初审初校", "科室审核", "部门负责人审批"]
    assert ("政府办审核把关", "skipped") in names and ("联合发布单位会签", "skipped") in names
    # Every decision is kept: who, what was ticked.
    decisions = ReviewDecision.objects.filter(page_id=page.pk).order_by("created_at")
    assert [d.user_id for d in decisions] == [people.editor.pk, people.chief.pk, people.leader.pk]
    assert all(len(d.checklist) == 4 and d.unit_name == "市教育局" for d in decisions)


def test_decisions_show_in_the_items_history(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    review(client, people.editor, page, comment="已核对数据")
    client.force_login(people.chief)
    html = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "初审初校" in html and "已逐项确认审核清单 4 项" in html and "已核对数据" in html
    assert "意见：【自校：本单位只有一名信息员" in html  # the sole editor's own first review (issue 19)
    # Wagtail's own workflow history shows the same decision with the checklist.
    ws = page.current_workflow_state
    url = reverse("wagtailadmin_pages:workflow_history_detail", args=[page.pk, ws.pk])
    history = text(client.get(url))
    assert "已逐项确认审核清单 4 项" in history and "已核对数据" in history


def test_reviewer_of_another_unit_cannot_act(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    approve_all(client, page, people.editor)
    state = current(page)
    assert state.task.name == "科室审核"

    # The finance bureau's section chief has the right role in the wrong unit.
    client.force_login(people.other_chief)
    refused = client.get(reverse("publishing_review", args=[state.pk]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "您没有权限" in text(refused) or "没有权限" in text(refused), text(refused)[:500]
    review(client, people.other_chief, page)
    assert current(page).pk == state.pk and current(page).status == TaskState.STATUS_IN_PROGRESS
    # Wagtail's own action view refuses too, and the item is not in their queue.
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk])
    client.post(url, {"comment": "x", "checklist": state.task.specific.checklist})
    assert not TaskState.objects.reviewable_by(people.other_chief).filter(pk=state.pk).exists()
    assert TaskState.objects.reviewable_by(people.chief).filter(pk=state.pk).exists()
    # Nor can the edu editor act at the chief's stage.
    review(client, people.editor, page)
    assert current(page).pk == state.pk
    assert not ReviewDecision.objects.filter(task_state_id=state.pk).exists()


def test_approval_needs_every_checklist_item_ticked(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    items = current(page).task.specific.checklist
    response = review(client, people.editor, page, ticks=items[:2], comment="请再看一下")
    assert response.status_code == 200
    body = text(response)
    assert "审核通过前须逐项确认审核清单" in body and "钦州市人民政府门户网站管理办法" in body
    assert items[3] in body
    assert "请再看一下" in body  # nothing typed is lost
    assert current(page).task.name == "初审初校"


def test_rejection_returns_the_item_to_the_editor_with_reasons(
    client, people, draft, django_capture_on_commit_callbacks
):
    page = draft(user=people.editor)
    submit(page, people.editor)
    approve_all(client, page, people.editor)
    mail.outbox.clear()

    assert review(client, people.chief, page, "reject").status_code == 200  # a reason is required
    assert current(page).status == TaskState.STATUS_IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves once the decision is committed
        review(client, people.chief, page, "reject", comment="第二段日期有误，请核实后修改。")
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not page.live
    # The editor is told in the back office and by e-mail, with the reason.
    notice = Notice.objects.get(user=people.editor, kind="returned")
    assert "第二段日期有误" in notice.body and "科室审核" in notice.body
    assert any("第二段日期有误" in m.body and people.editor.email in m.to for m in mail.outbox)
    # The draft shows who returned it and why.
    client.force_login(people.editor)
    edit = text(client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    assert "被" in edit and "第二段日期有误" in edit
    # Resubmitted, it goes back to the stage that returned it.
    submit(page, people.editor)
    assert current(page).task.name == "科室审核"
    assert ReviewDecision.objects.filter(page_id=page.pk, action="reject").count() == 1


def test_machine_check_stops_blocking_findings_with_the_list(client, people, draft):
    page = draft(body="<p>联系人张三，身份证号110101199003078515。</p>", user=people.editor)
    submit(page, people.editor)
    page.refresh_from_db()
    ws = page.current_workflow_state
    assert ws.status == WorkflowState.STATUS_NEEDS_CHANGES
    check = ws.current_task_state.specific
    assert check.task.name == "机器检查（错敏信息）"
    assert "身份证号" in check.comment and "110101199003078515" in check.comment
    # No reviewer was asked to look at it.
    assert not Notice.objects.filter(kind="review").exists()
    client.force_login(people.editor)
    edit = text(client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])))
    assert "机器检查" in edit and "身份证号" in edit


def test_warnings_travel_with_the_item_to_the_reviewers(client, people, draft):
    page = draft(body="<p>咨询电话13800138000。</p>", user=people.editor)
    submit(page, people.editor)
    state = current(page)
    assert state.task.name == "初审初校"
    assert any(f["subkind"] == "手机号码" for f in state.findings)
    client.force_login(people.editor)
    html = text(client.get(reverse("publishing_review", args=[state.pk])))
    assert "提示：" in html and "138****8000" in html


def test_government_route_adds_the_host_office(client, people, draft):
    page = draft(title="关于做好2026年义务教育招生工作的通知", info_category="government", user=people.editor)
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief, people.leader)
    assert current(page).task.name == "政府办审核把关"
    assert not page.live
    # The unit's own leader cannot act for the host office.
    review(client, people.head, page)
    assert current(page).task.name == "政府办审核把关"
    approve_all(client, page, people.host_office)
    assert current(page).task.name == "政府办审批"
    approve_all(client, page, people.host_leader)
    page.refresh_from_db()
    assert page.live


def test_major_route_goes_to_the_operators_deputy_then_the_host_principal(client, people, draft):
    page = draft(title="关于我市应对强降雨天气的情况通报", info_category="major", user=people.editor)
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief, people.leader)
    assert current(page).task.name == "电子政务中心分管领导审核"
    # The host office's reviewer (not its principal leader) cannot act at the principal's stage either.
    review(client, people.host_office, page)
    assert current(page).task.name == "电子政务中心分管领导审核"
    approve_all(client, page, people.egov_leader)
    assert current(page).task.name == "政府办主要领导审批"
    review(client, people.host_office, page)
    assert current(page).task.name == "政府办主要领导审批"
    approve_all(client, page, people.host_leader)
    page.refresh_from_db()
    assert page.live


def test_co_signed_item_waits_for_every_co_unit(client, people, draft, make_person):
    civil = Unit.objects.get(locality="qinzhou", name="市民政局")
    finance = Unit.objects.get(locality="qinzhou", name="市财政局")
    page = draft(title="市民政局、市财政局、市教育局联合发布困难学生资助办法", co_units=[civil, finance])
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief, people.leader)
    state = current(page)
    assert state.task.name == "联合发布单位会签"
    assert {u.name for u in state.units.all()} == {"市民政局", "市财政局"}
    # The lead unit's own leader is not a co-unit.
    review(client, people.head, page)
    assert not ReviewDecision.objects.filter(task_state_id=state.pk).exists()

    response = review(client, people.civil_leader, page, comment="同意联合发布")
    assert response.status_code == 302
    page.refresh_from_db()
    assert current(page).pk == state.pk and not page.live  # still waiting for 市财政局
    # The same co-unit cannot consent twice, and its queue no longer lists the item.
    assert not TaskState.objects.reviewable_by(people.civil_leader).filter(pk=state.pk).exists()
    assert TaskState.objects.reviewable_by(people.other_leader).filter(pk=state.pk).exists()

    approve_all(client, page, people.other_leader)
    page.refresh_from_db()
    assert page.live
    consents = ReviewDecision.objects.filter(task_state_id=state.pk, action="approve")
    assert {d.unit_name for d in consents} == {"市民政局", "市财政局"}


def test_a_co_unit_refusal_returns_the_item(client, people, draft):
    finance = Unit.objects.get(locality="qinzhou", name="市财政局")
    page = draft(co_units=[finance])
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief, people.leader)
    review(client, people.other_leader, page, "reject", comment="资助标准须与财政预算一致，暂不同意。")
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "暂不同意" in Notice.objects.get(user=people.editor, kind="returned").body


def test_repost_route_is_reviewed_by_the_site_administrator(client, people, draft):
    from govportal.portal.models import RepostPage

    page = draft(
        "国务院常务会议部署稳就业工作",
        "<p>会议指出，要多措并举稳定和扩大就业。</p>",
        kind=RepostPage,
        source="中国政府网",
        original_url="https://www.gov.cn/yaowen/liebiao/0001.htm",
        info_category="repost",
        user=people.editor,
    )
    submit(page, people.editor)
    state = current(page)
    assert state.task.name == "网站管理员审核（网上采集）"
    review(client, people.chief, page)
    assert current(page).pk == state.pk
    approve_all(client, page, people.site_admin)
    page.refresh_from_db()
    assert page.live


def test_one_person_cannot_sign_two_stages(client, people, draft, make_person):
    both = make_person("市教育局", "section_chief", "deputy_leader")
    page = draft()
    submit(page, people.editor)
    approve_all(client, page, people.editor, both)
    assert current(page).task.name == "部门负责人审批"
    response = review(client, both, page, comment="同意")
    assert "同一信息的各审核环节须由不同的人把关" in text(response)
    assert current(page).task.name == "部门负责人审批"
    approve_all(client, page, people.leader)
    page.refresh_from_db()
    assert page.live


def test_reviewers_are_told_what_waits_for_them(client, people, draft, django_capture_on_commit_callbacks):
    page = draft()
    mail.outbox.clear()
    submit(page, people.editor)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(client, page, people.editor)
    notice = Notice.objects.get(user=people.chief, kind="review")
    assert page.title in notice.title and "科室审核" in notice.title
    assert notice.url == reverse("publishing_review", args=[current(page).pk])
    assert any(people.chief.email in m.to and "科室审核" in m.subject for m in mail.outbox)
    assert not Notice.objects.filter(user=people.other_chief).exists()
    # The back-office inbox and the dashboard list it for the chief.
    client.force_login(people.chief)
    assert page.title in text(client.get(reverse("publishing_inbox")))
    assert page.title in text(client.get(reverse("wagtailadmin_home")))


def test_items_cannot_be_published_around_the_review(client, people, draft):
    page = draft()
    client.force_login(people.leader)  # has Wagtail publish permission on the unit's columns
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form_page = client.get(edit_url)
    assert 'name="action-publish"' not in form_page.content.decode()
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "body": rich_text("<p>改过的正文</p>"),
            "date": "2026-03-02 09:00:00",
            "info_category": "unit",
            "attachments": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "发布",
        }
    )
    response = client.post(edit_url, data, follow=True)
    page.refresh_from_db()
    assert not page.live
    assert "信息须经审核后才能发布" in text(response)


def test_editor_submits_through_the_editor_and_the_review_starts(client, people, draft):
    page = draft()
    client.force_login(people.editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = client.get(edit_url).content.decode()
    assert 'name="action-submit"' in html
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "body": rich_text("<p>会议要求各学校做好开学前安全检查。</p>"),
            "date": "2026-03-02 09:00:00",
            "info_category": "unit",
            "attachments": streamfield([]),
            "comments": inline_formset([]),
            "action-submit": "提交审核",
        }
    )
    response = client.post(edit_url, data)
    assert response.status_code == 302, text(response)[:3000]
    state = current(page)
    assert state is not None and state.task.name == "初审初校"
    assert page.current_workflow_state.requested_by == people.editor
