"""Every letter type through triage, dispatch, return, reply, approval, publication or withholding."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.interaction import workflow
from govportal.interaction.models import (
    Letter,
    LetterState,
    OrderState,
    Publication,
    ReplyState,
)
from govportal.interaction.workflow import WorkflowError

pytestmark = pytest.mark.django_db

TYPES = ["consultation", "help", "suggestion", "complaint", "report"]
DEADLINES = {"consultation": 2, "help": 5, "suggestion": 5, "complaint": 10, "report": 10}


@pytest.mark.parametrize("type_code", TYPES)
def test_each_type_through_triage_return_reply_approval_and_publication(
    client, people, units, new_letter, clock, type_code
):
    clock.set(date(2026, 11, 2))  # a Monday
    letter = new_letter(
        type_code,
        subject="学校门口占道经营",
        content="我是张晓红，电话13877712345，身份证450702199001011234。学校门口长期占道经营，影响学生安全。",
        writer_name="张晓红",
        writer_contact="13877712345",
    )
    assert letter.due_date is None  # 钦州: the clock starts at dispatch (profile clock_starts = dispatch)

    # the centre accepts and dispatches to a unit that turns out to be the wrong one
    workflow.accept(letter, people.centre)
    workflow.dispatch(letter, people.centre, units("市卫生健康委"))
    letter.refresh_from_db()
    assert letter.state == LetterState.DISPATCHED
    workflow.return_order(letter, people.other_editor, "不属于卫生健康部门职责，应由教育部门办理。")
    letter.refresh_from_db()
    assert letter.state == LetterState.RETURNED
    assert letter.orders.get().state == OrderState.RETURNED

    # re-dispatched on Wednesday: the deadline counts from the new dispatch
    clock.set(date(2026, 11, 4))
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    expected = {2: date(2026, 11, 6), 5: date(2026, 11, 11), 10: date(2026, 11, 18)}[DEADLINES[type_code]]
    assert letter.due_date == expected

    # the handler drafts, the leader sends it back once, then approves
    workflow.save_draft(
        letter, people.editor, "已责成城管部门清理学校门口的占道经营，并安排人员每日巡查。", submit=True
    )
    letter.refresh_from_db()
    assert letter.state == LetterState.REVIEW
    with pytest.raises(WorkflowError, match="写明审核意见"):
        workflow.review_reply(letter, people.leader, False)
    workflow.review_reply(letter, people.leader, False, "请写明巡查的时间安排。")
    letter.refresh_from_db()
    assert letter.state == LetterState.DISPATCHED
    workflow.save_draft(
        letter,
        people.editor,
        "已责成城管部门清理学校门口的占道经营，上下学时段每日安排人员巡查。",
        submit=True,
    )
    workflow.review_reply(letter, people.leader, True)
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED and letter.answered_on_time() is None  # not sent out yet

    # the centre publishes: writer agreed, so it goes public, masked
    clock.set(date(2026, 11, 5))
    workflow.publish(letter, people.centre, make_public=True)
    letter.refresh_from_db()
    assert letter.state == LetterState.CONCLUDED and letter.publication == Publication.PUBLISHED
    assert letter.answered_on_time()
    assert "13877712345" not in letter.public_content and "138****2345" in letter.public_content
    assert "450702199001011234" not in letter.public_content
    assert "张晓红" not in letter.public_content
    page = client.get(f"/xinjian/{letter.pk}/").content.decode()
    assert "已责成城管部门清理" in page and "13877712345" not in page and "张晓红" not in page
    assert letter.public_subject in client.get("/xinjian/").content.decode()


def test_withholding_records_the_article_21_reason_and_keeps_it_off_the_site(
    client, people, units, new_letter
):
    letter = new_letter("complaint", subject="邻居违建影响采光", content="邻居在楼顶违规搭建彩钢房。")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "已转城市管理部门现场核查并责令限期拆除。", submit=True)
    workflow.review_reply(letter, people.head, True)
    with pytest.raises(WorkflowError, match="第二十一条"):
        workflow.publish(letter, people.centre, make_public=False)
    workflow.publish(
        letter, people.centre, make_public=False, exclusion="privacy_trade_secret", note="涉及特定个人"
    )
    letter.refresh_from_db()
    assert letter.publication == Publication.WITHHELD
    assert letter.withheld_reason == "涉及个人隐私和商业秘密：涉及特定个人"
    assert letter.events.filter(action="withheld", text__contains="第二十一条").exists()
    assert client.get(f"/xinjian/{letter.pk}/").status_code == 404
    assert "邻居违建影响采光" not in client.get("/xinjian/").content.decode()


def test_a_letter_without_consent_is_never_published(people, units, new_letter):
    letter = new_letter("suggestion", consent_publish=False)
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "感谢您的建议，我们将研究采纳。", submit=True)
    workflow.review_reply(letter, people.leader, True)
    with pytest.raises(WorkflowError, match="未同意公开"):
        workflow.publish(letter, people.centre, make_public=True)
    workflow.publish(letter, people.centre, make_public=False)
    letter.refresh_from_db()
    assert letter.withheld_reason == "来信人不同意公开" and letter.reply_text


def test_public_text_edited_by_the_centre_is_masked_again(people, units, new_letter):
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "请拨打咨询电话 0777-2822222。", submit=True)
    workflow.review_reply(letter, people.leader, True)
    workflow.publish(
        letter, people.centre, make_public=True, public_content="我的手机是13911112222，请回电。"
    )
    letter.refresh_from_db()
    assert "13911112222" not in letter.public_content and "139****2222" in letter.public_content


def test_only_the_centre_triages_dispatches_and_publishes(people, units, new_letter):
    letter = new_letter()
    for step in (
        lambda: workflow.accept(letter, people.editor),
        lambda: workflow.dispatch(letter, people.leader, units("市教育局")),
        lambda: workflow.reject(letter, people.host, "不属于受理范围的事项"),
    ):
        with pytest.raises(WorkflowError, match="第十九条"):
            step()


def test_reject_out_of_scope_shows_the_reason_to_the_writer(client, people, new_letter):
    from govportal.interaction.spam import password_for

    letter = new_letter("complaint", subject="对判决不服", content="要求政府撤销法院判决。")
    with pytest.raises(WorkflowError, match="理由"):
        workflow.reject(letter, people.centre, "")
    workflow.reject(letter, people.centre, "涉诉事项应通过司法途径解决，不属于本信箱受理范围。")
    html = client.post(
        "/xinjian/chaxun/", {"code": letter.query_code, "password": password_for(letter.submit_token)}
    ).content.decode()
    assert "不予受理" in html and "涉诉事项应通过司法途径解决" in html


def test_merge_a_duplicate_and_answer_both_writers(client, people, units, new_letter):
    from govportal.interaction.spam import password_for

    first = new_letter("complaint", subject="路灯不亮", content="滨海大道路灯一个月不亮。")
    second = new_letter(
        "complaint",
        subject="滨海大道路灯坏了",
        content="滨海大道的路灯坏了很久。",
        writer_contact="13900000001",
    )
    workflow.merge(second, people.centre, first)
    second.refresh_from_db()
    assert second.state == LetterState.MERGED and second.duplicate_of == first
    workflow.dispatch(first, people.centre, units("市教育局"))
    workflow.save_draft(first, people.editor, "已通知路灯管理所维修，三日内修复。", submit=True)
    workflow.review_reply(first, people.leader, True)
    workflow.publish(first, people.centre, make_public=False, exclusion="other", note="个案")
    second.refresh_from_db()
    assert second.reply_text == "已通知路灯管理所维修，三日内修复。" and second.concluded_at
    html = client.post(
        "/xinjian/chaxun/", {"code": second.query_code, "password": password_for(second.submit_token)}
    ).content.decode()
    assert "已通知路灯管理所维修" in html


def test_several_units_with_one_leading(people, units, new_letter):
    letter = new_letter("suggestion")
    workflow.dispatch(letter, people.centre, units("市教育局"), co_units=[units("市卫生健康委")])
    letter.refresh_from_db()
    lead, co = letter.orders.order_by("-is_lead")
    assert lead.is_lead and lead.unit.name == "市教育局" and not co.is_lead
    with pytest.raises(WorkflowError, match="主办单位"):
        workflow.save_draft(letter, people.other_editor, "协办单位不能起草正式答复。")
    workflow.give_opinion(letter, people.other_editor, "建议同步开展学生健康教育。")
    co.refresh_from_db()
    assert co.opinion == "建议同步开展学生健康教育。"
    # a co-unit's return drops only its own order
    letter2 = new_letter("suggestion", subject="另一个建议标题", content="另一个建议的内容，与上一封不同。")
    workflow.dispatch(letter2, people.centre, units("市教育局"), co_units=[units("市卫生健康委")])
    workflow.return_order(letter2, people.other_editor, "本单位不涉及此事项。")
    letter2.refresh_from_db()
    assert letter2.state == LetterState.DISPATCHED
    assert letter2.orders.get(is_lead=False).state == OrderState.RETURNED


def test_the_leader_approves_not_the_handler_and_not_the_drafter(people, units, new_letter, make_person):
    letter = new_letter()
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "已安排交警在上下学时段疏导交通。", submit=True)
    for user in (people.editor, people.editor2, people.chief, people.other_leader):
        with pytest.raises(WorkflowError, match="负责领导审核"):
            workflow.review_reply(letter, user, True)
    # a leader who drafted the reply cannot approve it himself
    letter2 = new_letter("help", subject="求助标题四个字以上", content="求助的内容写满十个字以上。")
    workflow.dispatch(letter2, people.centre, units("市教育局"))
    workflow.save_draft(letter2, people.leader, "已联系社区网格员上门了解情况并协助办理。", submit=True)
    with pytest.raises(WorkflowError, match="不能审核自己"):
        workflow.review_reply(letter2, people.leader, True)
    workflow.review_reply(letter2, people.head, True)
    assert letter2.replies.get().state == ReplyState.APPROVED


def test_the_profile_decides_who_approves(people, units, new_letter, monkeypatch):
    from govportal.interaction import rules

    monkeypatch.setitem(rules.letter_rules("qinzhou").values, "reply_approver_roles", ["section_chief"])
    letter = new_letter()
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "已安排交警在上下学时段疏导交通。", submit=True)
    with pytest.raises(WorkflowError):
        workflow.review_reply(letter, people.leader, True)
    workflow.review_reply(letter, people.chief, True)
    assert Letter.objects.get(pk=letter.pk).state == LetterState.APPROVED


def test_unpublish_takes_a_letter_off_the_site(client, people, units, new_letter):
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "请拨打咨询电话 0777-2822222。", submit=True)
    workflow.review_reply(letter, people.leader, True)
    workflow.publish(letter, people.centre, make_public=True)
    assert client.get(f"/xinjian/{letter.pk}/").status_code == 200
    workflow.unpublish(letter, people.centre, "来信人要求撤下")
    assert client.get(f"/xinjian/{letter.pk}/").status_code == 404
