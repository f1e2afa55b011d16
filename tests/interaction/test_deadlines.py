"""Deadlines in working days (across National Day 2026), extensions, and the due-soon / overdue job."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from govportal.interaction import workflow
from govportal.interaction.deadlines import check_all
from govportal.interaction.models import Letter
from govportal.interaction.workflow import WorkflowError
from govportal.notices.models import Notice

pytestmark = pytest.mark.django_db

# 2026 (国务院办公厅 schedule, via the calendar package): 中秋节 25–27 September and 国庆节 1–7 October are
# rest days; Sunday 20 September and Saturday 10 October are make-up working days.
NATIONAL_DAY_DUES = {
    "consultation": date(2026, 10, 9),  # 30 Sep + 2 working days: 8, 9 Oct
    "help": date(2026, 10, 13),  # 8, 9, 10 (Sat, make-up), 12, 13
    "suggestion": date(2026, 10, 13),
    "complaint": date(2026, 10, 20),
    "report": date(2026, 10, 20),
}


@pytest.mark.parametrize("type_code,due", NATIONAL_DAY_DUES.items())
def test_deadlines_skip_the_national_day_holiday_and_count_the_make_up_saturday(
    people, units, new_letter, clock, type_code, due
):
    clock.set(date(2026, 9, 25))  # received on the Mid-Autumn holiday, dispatched the next Wednesday
    letter = new_letter(type_code)
    clock.set(date(2026, 9, 30))
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    assert letter.clock_start == date(2026, 9, 30)
    assert letter.due_date == due


def test_the_clock_starts_at_receipt_when_the_profile_says_so(people, units, new_letter, clock, monkeypatch):
    from govportal.interaction import rules

    monkeypatch.setitem(rules.letter_rules("qinzhou").values, "clock_starts", "receipt")
    clock.set(date(2026, 9, 25))
    letter = new_letter("consultation")
    assert letter.due_date == date(2026, 9, 29)
    clock.set(date(2026, 9, 28))
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 9, 29)  # dispatch does not restart it


def test_a_consultation_can_never_be_extended_and_the_refusal_names_article_20(people, units, new_letter):
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    with pytest.raises(WorkflowError) as exc:
        workflow.request_extension(letter, people.editor, 1, "情况复杂，需要会商。")
    assert "咨询类信件须在 2 个工作日内办结并答复，不得申请延期" in str(exc.value)
    assert "《钦州市人民政府门户网站管理办法》第二十条" in str(exc.value)


def test_one_extension_at_most_as_long_again_approved_by_the_centre(people, units, new_letter, clock, client):
    clock.set(date(2026, 11, 2))
    letter = new_letter("complaint")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 11, 16)
    with pytest.raises(WorkflowError, match="延期最多 10 个工作日"):
        workflow.request_extension(letter, people.editor, 11, "情况复杂，需要多部门会商。")
    with pytest.raises(WorkflowError, match="主办单位"):
        workflow.request_extension(letter, people.other_editor, 5, "情况复杂，需要多部门会商。")
    ext = workflow.request_extension(letter, people.editor, 10, "情况复杂，需要多部门会商。")
    with pytest.raises(WorkflowError, match="最多申请延期 1 次"):
        workflow.request_extension(letter, people.editor, 2, "再延长两天可以吗？")
    with pytest.raises(WorkflowError, match="第十九条"):
        workflow.decide_extension(ext, people.leader, True)  # the unit's own leader does not approve it
    workflow.decide_extension(ext, people.centre, True, "同意")
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 11, 30) and letter.extended_workdays == 10
    with pytest.raises(WorkflowError, match="已经审批过"):
        workflow.decide_extension(ext, people.centre, False)
    assert people.editor.notices.filter(kind="extension_decided").exists()


def test_a_refused_extension_leaves_the_deadline(people, units, new_letter):
    letter = new_letter("help")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    due = letter.due_date
    ext = workflow.request_extension(letter, people.editor, 3, "需要补充调查材料。")
    workflow.decide_extension(ext, people.centre, False, "请按期办结")
    letter.refresh_from_db()
    assert letter.due_date == due


def test_no_extension_after_the_deadline(people, units, new_letter, clock):
    clock.set(date(2026, 11, 2))
    letter = new_letter("help")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    clock.set(date(2026, 11, 12))
    with pytest.raises(WorkflowError, match="期限届满前"):
        workflow.request_extension(letter, people.editor, 2, "需要补充调查材料。")


def test_due_soon_and_overdue_are_flagged_once_and_overdue_is_escalated(people, units, new_letter, clock):
    clock.set(date(2026, 11, 2))
    letter = new_letter("help", subject="求助信标题", content="求助信的内容不少于十个字。")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    letter.refresh_from_db()
    assert letter.due_date == date(2026, 11, 9)

    assert check_all(date(2026, 11, 5))["due_soon"] == 0
    assert check_all(date(2026, 11, 6))["due_soon"] == 1  # one working day left
    for person in (people.editor, people.leader, people.head, people.centre):
        assert Notice.objects.filter(user=person, letter=letter, kind="due_soon").exists()
    assert not Notice.objects.filter(user=people.other_editor).exists()
    assert check_all(date(2026, 11, 6))["due_soon"] == 0  # flagged once

    assert check_all(date(2026, 11, 9))["overdue"] == 0  # the due day itself is not late
    counts = check_all(date(2026, 11, 10))
    assert counts["overdue"] == 1
    letter.refresh_from_db()
    assert letter.escalated_at is not None
    for person in (people.editor, people.leader, people.head, people.centre, people.host):
        notice = Notice.objects.get(user=person, letter=letter, kind="overdue")
        assert "已超过办理期限（2026年11月09日）" in notice.title and "第二十条" in notice.title
    assert letter.events.filter(action="escalated").exists()
    assert check_all(date(2026, 11, 11))["overdue"] == 0


def test_the_job_runs_from_the_command_and_as_a_task(people, units, new_letter, clock):
    clock.set(date(2026, 11, 2))
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    out = StringIO()
    call_command("letter_deadlines", "--date", "2026-11-10", stdout=out)
    assert "超期督办 1 件" in out.getvalue()
    assert Letter.objects.get(pk=letter.pk).escalated_at
    from govportal.interaction.tasks import check_deadlines

    assert check_deadlines.call()["overdue"] == 0  # already escalated: nothing twice


def test_answering_before_the_deadline_counts_as_on_time(people, units, new_letter, clock):
    clock.set(date(2026, 9, 30))
    letter = new_letter("consultation")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    clock.set(date(2026, 10, 9))  # the last day, after the holiday
    workflow.save_draft(letter, people.editor, "请拨打咨询电话 0777-2822222。", submit=True)
    workflow.review_reply(letter, people.leader, True)
    letter.refresh_from_db()
    assert letter.answered_on_time() is None  # approved, but the writer has not got it yet
    workflow.publish(letter, people.centre, make_public=True)
    letter.refresh_from_db()
    assert letter.answered_on_time() is True  # sent out on the last day
    counts = check_all(date(2026, 10, 12))
    assert counts["overdue"] == 0 and counts["approved_waiting"] == 0
