"""Defects found in review: FAQs beside service guides, the deadline job in the scheduler, the disclosure
clock before processing, approved-but-unpublished letters, holiday data running out, unit visibility after a
return, extension after re-dispatch."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.interaction import workflow
from govportal.interaction.models import Faq
from govportal.notices.models import Notice
from tests.factories import column, disclosure_request, item

pytestmark = pytest.mark.django_db


def test_a_service_guide_shows_the_matching_faqs(client, qinzhou, units):
    from govportal.portal.models import ServiceGuidePage

    guide = item(
        column(qinzhou, "政务服务", "办事指南"),
        "义务教育阶段新生入学登记",
        kind=ServiceGuidePage,
        theme="教育",
        unit=units("市教育局"),
    )
    # The FAQ `govportal demo` compiles from an answered letter.
    Faq(
        locality="qinzhou",
        question="义务教育入学划片范围和报名时间在哪里查询？",
        answer="每年6月由市教育局在门户网站“教育”栏目公布招生范围。",
        unit=units("市教育局"),
        topic="义务教育入学",
    ).save()
    Faq(
        locality="qinzhou", question="不公开的入学问题", answer="内部", topic="义务教育入学", is_public=False
    ).save()
    Faq(locality="youyang", question="酉阳义务教育入学怎么报名？", answer="另一个地区。").save()
    html = client.get(guide.url).content.decode()
    assert "常见问题" in html
    assert "义务教育入学划片范围和报名时间在哪里查询？" in html
    assert "不公开的入学问题" not in html and "酉阳义务教育入学" not in html


def test_the_deadline_check_is_a_periodic_job_and_flags_an_overdue_letter(people, units, new_letter, clock):
    from govportal.publishing.models import JobRun
    from govportal.publishing.schedule import job, run_job

    j = job("letter_deadlines")
    assert "第二十条" in j.description_for("qinzhou")  # the loaded profile's article, not a fixed text
    clock.set(date(2026, 11, 2))
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    clock.set(date(2026, 11, 10))
    message = run_job("letter_deadlines")
    assert JobRun.objects.get(name="letter_deadlines").ok
    assert "信件超期督办 1" in message
    letter.refresh_from_db()
    assert letter.escalated_at is not None
    assert Notice.objects.filter(user=people.centre, kind="overdue", letter=letter).exists()


def test_an_approved_reply_not_sent_out_is_flagged_to_the_centre_and_counts_late(
    client, people, units, new_letter, clock
):
    from govportal.interaction.deadlines import check_all
    from govportal.interaction.stats import letter_stats

    clock.set(date(2026, 11, 2))
    letter = new_letter("consultation", subject="办理居住证要带什么", content="办理居住证需要什么材料？")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(letter, people.editor, "携带身份证和租房合同到派出所办理。", submit=True)
    workflow.review_reply(letter, people.leader, True)
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 11, 4)
    # The last working day: the centre is reminded to send it out.
    assert check_all(date(2026, 11, 4))["approved_waiting"] == 1
    assert Notice.objects.filter(user=people.centre, kind="approved_due_soon", letter=letter).exists()
    # Past the due date, still not sent: the centre (and the host office) are told, once.
    assert check_all(date(2026, 11, 5))["approved_waiting"] == 1
    assert check_all(date(2026, 11, 6))["approved_waiting"] == 0
    notice = Notice.objects.get(user=people.centre, kind="approved_overdue", letter=letter)
    assert "尚未发布给来信人" in notice.title and "第二十条" in notice.title
    assert Notice.objects.filter(user=people.host, kind="approved_overdue").exists()
    # The centre's list shows it overdue, and the dashboard counts it.
    # (signed in on that day: a back-office session ends after 30 idle minutes)
    clock.set(date(2026, 11, 6))
    client.force_login(people.centre)
    html = client.get("/admin/letters/centre/?due=overdue").content.decode()
    assert letter.query_code in html and "已超期" in html
    # Sent out late: the statistics count it late (conclusion, not approval, is what the writer sees).
    workflow.publish(
        letter, people.centre, make_public=False, exclusion="privacy_trade_secret", note="个人事项"
    )
    s = letter_stats("qinzhou", 2026, today=date(2026, 11, 6))
    assert (s.total.concluded, s.total.on_time, s.total.on_time_rate) == (1, 0, "0.0%")


def test_a_deadline_into_a_year_without_holiday_data_carries_a_warning(
    client, people, units, new_letter, clock
):
    from govportal.interaction.models import LetterEvent

    clock.set(date(2026, 12, 28))
    letter = new_letter("complaint")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    assert letter.due_date.year == 2027
    warning = (
        "2027年无节假日数据，按周一至周五计算，请网站管理员在后台“节假日安排”中录入国务院办公厅公布的放假安排"
    )
    assert LetterEvent.objects.filter(letter=letter, text__contains=warning).exists()
    assert Notice.objects.filter(user=people.editor, kind="dispatched", title__contains=warning).exists()
    client.force_login(people.centre)
    html = client.get("/admin/letters/centre/").content.decode()
    assert warning in html
    assert warning in client.get(f"/admin/letters/letter/{letter.pk}/").content.decode()
    # A deadline inside 2026 carries no such warning.
    clock.set(date(2026, 12, 1))
    other = new_letter("consultation", subject="十二月的咨询", content="十二月份的一封咨询信。")
    workflow.dispatch(other, people.centre, units("市教育局"))
    assert not LetterEvent.objects.filter(letter=other, action="calendar_warning").exists()


def test_a_new_lead_unit_after_re_dispatch_can_ask_for_its_own_extension(people, units, new_letter, clock):
    from govportal.interaction.models import Extension, ExtensionState
    from govportal.interaction.workflow import WorkflowError

    clock.set(date(2026, 11, 2))
    letter = new_letter("complaint")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    ext = workflow.request_extension(letter, people.editor, 5, "涉及多个部门，需要会商。")
    workflow.decide_extension(ext, people.centre, True)
    letter.refresh_from_db()
    assert letter.extended_workdays == 5
    with pytest.raises(WorkflowError, match="最多申请延期 1 次"):
        workflow.request_extension(letter, people.editor, 2, "还需要更多时间。")
    # Misrouted: returned and dispatched to another unit, whose clock starts afresh.
    clock.set(date(2026, 11, 4))
    workflow.return_order(letter, people.editor, "本事项属于卫生健康部门职责。")
    workflow.dispatch(letter, people.centre, units("市卫生健康委"))
    letter.refresh_from_db()
    assert letter.extended_workdays == 0
    ext2 = workflow.request_extension(letter, people.other_editor, 10, "需要现场核查并征求意见。")
    assert ext2.state == ExtensionState.PENDING
    assert Extension.objects.filter(letter=letter).count() == 2


def test_an_extension_approved_after_the_overdue_flag_lets_the_letter_be_flagged_again(
    people, units, new_letter, clock
):
    from govportal.interaction.deadlines import check_all

    clock.set(date(2026, 11, 2))
    letter = new_letter("help")  # 5 working days: due 9 November
    workflow.dispatch(letter, people.centre, units("市教育局"))
    clock.set(date(2026, 11, 6))
    ext = workflow.request_extension(letter, people.editor, 5, "需要现场核查。")
    assert check_all(date(2026, 11, 10))["overdue"] == 1  # the centre has not decided yet
    clock.set(date(2026, 11, 10))
    workflow.decide_extension(ext, people.centre, True)
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 11, 16) and letter.overdue_notified_on is None
    # Overdue again after the new due date: flagged again.
    assert check_all(date(2026, 11, 17))["overdue"] == 1


def test_an_application_left_unconfirmed_is_flagged_and_the_real_deadline_still_counts(people, units, clock):
    from govportal.interaction import disclosure as flow
    from govportal.interaction.deadlines import check_all

    clock.set(date(2026, 11, 2))  # Monday
    req = disclosure_request("rv")
    assert check_all(date(2026, 11, 3))["disclosure_unconfirmed"] == 0  # within 1 working day
    assert check_all(date(2026, 11, 4))["disclosure_unconfirmed"] == 1
    assert check_all(date(2026, 11, 5))["disclosure_unconfirmed"] == 0  # once
    notice = Notice.objects.get(user=people.editor, kind="disclosure_unconfirmed")
    assert req.code in notice.title and "《政府信息公开条例》第三十一条" in notice.title
    clock.set(date(2026, 11, 5))
    req.refresh_from_db()
    flow.confirm_receipt(req, people.editor)
    req.refresh_from_db()
    assert req.overdue_notified_on is None
    # The 20-working-day answer deadline is still flagged when it passes.
    assert check_all(date(2026, 12, 10))["disclosure_overdue"] == 1


def test_a_correction_period_that_passed_is_flagged(people, units, clock):
    from govportal.interaction import disclosure as flow
    from govportal.interaction.deadlines import check_all

    clock.set(date(2026, 11, 2))
    req = disclosure_request("rv2")
    flow.request_correction(req, people.editor, "请说明所需信息的文号或年份。")
    req.refresh_from_db()
    due = req.correction_due
    assert check_all(due)["disclosure_correction_overdue"] == 0
    from govportal.interaction.deadlines import add_workdays

    assert check_all(add_workdays(due, 1))["disclosure_correction_overdue"] == 1
    notice = Notice.objects.get(user=people.editor, kind="disclosure_correction_overdue")
    assert "逾期不补正" in notice.title and "第三十条" in notice.title


def _detail(client, user, letter, **post):
    client.force_login(user)
    url = f"/admin/letters/letter/{letter.pk}/"
    return client.post(url, post) if post else client.get(url)


def test_a_unit_that_returned_an_order_no_longer_sees_the_letter_or_its_later_reply(
    client, people, units, new_letter
):
    from govportal.interaction.permissions import can_view_letter, visible_letters

    letter = new_letter(subject="医院挂号难", content="市人民医院挂号难，请协调。")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    assert _detail(client, people.editor, letter).status_code == 200
    response = _detail(client, people.editor, letter, action="return", reason="本事项属于卫生健康部门职责。")
    assert response.status_code == 302 and f"/letter/{letter.pk}/" not in response["Location"]
    letter.refresh_from_db()
    assert not can_view_letter(people.editor, letter)
    workflow.dispatch(letter, people.centre, units("市卫生健康委"))
    workflow.save_draft(letter, people.other_editor, "已协调医院增加号源。", submit=True)
    workflow.review_reply(letter, people.other_leader, True)
    # Refused (Wagtail's "no permission" redirect), and the letter is not in its lists any more.
    assert _detail(client, people.editor, letter).status_code == 302
    assert list(visible_letters(people.editor)) == []
    assert "已协调医院增加号源" not in client.get("/admin/letters/unit/").content.decode()
    # The unit that answered still sees it.
    assert _detail(client, people.other_editor, letter).status_code == 200


def test_a_cancelled_order_no_longer_opens_the_letter(client, people, units, new_letter):
    letter = new_letter()
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.return_order(letter, people.editor, "不属于本单位职责。")
    letter.refresh_from_db()
    workflow.dispatch(letter, people.centre, units("市卫生健康委"), co_units=[units("市教育局")])
    letter.refresh_from_db()
    assert _detail(client, people.editor, letter).status_code == 200  # co-unit now: open order again
    workflow.return_order(letter, people.other_editor, "应由市教育局主办。")
    letter.refresh_from_db()
    workflow.dispatch(letter, people.centre, units("市人民政府办公室"))  # the co-order is cancelled
    assert _detail(client, people.editor, letter).status_code == 302


def test_a_co_unit_sees_the_letter_with_personal_data_hidden_and_the_lead_view_is_logged(
    client, people, units, new_letter
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govportal.interaction.models import LetterAttachment, PersonalDataAccess

    content = "我是王强，电话13877712345，身份证450702199001011234，学校门口每天拥堵。"
    letter = new_letter("suggestion", content=content)
    LetterAttachment.objects.create(
        letter=letter, file=SimpleUploadedFile("photo.jpg", b"x"), name="现场照片.jpg", size=1
    )
    workflow.dispatch(letter, people.centre, units("市教育局"), co_units=[units("市卫生健康委")])
    html = _detail(client, people.other_editor, letter).content.decode()
    assert "13877712345" not in html and "450702199001011234" not in html
    assert "学校门口每天拥堵" in html and "个人信息已隐去" in html
    assert "仅热线中心和主办单位可查看" in html
    att = letter.attachments.get()
    assert client.get(f"/admin/letters/attachment/{att.pk}/").status_code == 302
    assert not PersonalDataAccess.objects.exists()
    # The lead unit sees it in full, and that view is logged.
    html = _detail(client, people.editor, letter).content.decode()
    assert "13877712345" in html
    assert PersonalDataAccess.objects.filter(
        user=people.editor, letter=letter, what__contains="来信内容"
    ).exists()


def test_a_report_letter_is_masked_even_for_the_lead_unit(client, people, units, new_letter):
    letter = new_letter("report", content="举报人电话13877712345，某单位违规收费。")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    html = _detail(client, people.editor, letter).content.decode()
    assert "13877712345" not in html and "违规收费" in html and "举报类信件保护来信人" in html
    html = _detail(client, people.centre, letter).content.decode()
    assert "13877712345" in html


@pytest.mark.parametrize("path", ["/xinjian/xie/", "/jiucuo/", "/yishenqing/"])
def test_the_form_script_is_loaded_once(client, qinzhou, path):
    html = client.get(path).content.decode()
    assert html.count("interaction/interaction.js") == 1
