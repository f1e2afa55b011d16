"""Every deadline of participation, with the article of the loaded locality (钦州, 000)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from govportal.participation.deadlines import overdue, send_reminders
from govportal.participation.models import ConsultationPage
from govportal.participation.rules import participation_rules
from govportal.rules.workdays import add_workdays

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_29_day_consultation_is_refused_with_qinzhous_rule(qinzhou, edu):
    from tests.conftest import column

    page = ConsultationPage(
        title="征求意见",
        unit=edu,
        explanation="<p>说明</p>",
        draft=[{"type": "article", "value": {"label": "第一条", "text": "内容"}}],
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 3, 29),
    )
    page.set_url_path(column(qinzhou, "互动交流", "民意征集"))
    page._cached_parent_obj = column(qinzhou, "互动交流", "民意征集")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    message = exc.value.message_dict["closes_on"][0]
    assert "意见征集的期限不少于30日" in message
    assert "《钦州市人民政府门户网站管理办法》附件1 重大决策 第2点" in message
    assert "仅29日" in message
    # Nothing typed is lost: the page object still carries every value.
    assert page.closes_on == date(2026, 3, 29) and page.explanation == "<p>说明</p>"

    page.closes_on = date(2026, 3, 30)  # 30 days, first and last day included
    page.clean()


def test_the_29_day_refusal_shows_in_the_editor(client, people, qinzhou):
    """What the editor sees when saving the form in the back office."""
    from tests.conftest import column

    parent = column(qinzhou, "互动交流", "民意征集")
    client.force_login(people.editor)
    url = f"/admin/pages/add/participation/consultationpage/{parent.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "关于托管办法征求意见",
            "slug": "tgbf",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-29",
            "explanation": '{"blocks":[{"key":"a","text":"说明","type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "draft-count": "1",
            "draft-0-type": "article",
            "draft-0-deleted": "",
            "draft-0-order": "0",
            "draft-0-value-label": "第一条",
            "draft-0-value-text": "内容",
            "opinion_groups-TOTAL_FORMS": "0",
            "opinion_groups-INITIAL_FORMS": "0",
            "opinion_groups-MIN_NUM_FORMS": "0",
            "opinion_groups-MAX_NUM_FORMS": "1000",
            "date": "2026-03-01 09:00",
            "info_category": "unit",
            "attachments-count": "0",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "意见征集的期限不少于30日" in body and "附件1 重大决策 第2点" in body
    assert not ConsultationPage.objects.filter(title="关于托管办法征求意见").exists()


def test_another_locality_cites_its_own_or_the_national_rule():
    weibin = participation_rules("weibin")
    assert weibin.consultation_min_days == 30
    assert weibin.consultation_cite == "《重大行政决策程序暂行条例》第十五条"
    assert "钦州" not in weibin.consultation_cite and "钦州" not in weibin.results_cite
    assert "publish_results_within" in weibin.defaults_used
    assert participation_rules("qinzhou").results_cite == "《钦州市人民政府门户网站管理办法》第二十二条"


def test_results_overdue_after_a_month_across_the_national_day_holiday(survey):
    # Closed 1 September 2026: one month ends on 1 October, a holiday (国庆 1-7 October), so the last day is
    # the first working day after it, 8 October (民法典 第二百零三条).
    page = survey(opens=-30, closes=-1)
    page.opens_at = datetime(2026, 8, 1, 9, 0, tzinfo=SH)
    page.closes_at = datetime(2026, 9, 1, 18, 0, tzinfo=SH)
    page.save()
    assert page.results_due == date(2026, 10, 8)
    assert not page.results_overdue(date(2026, 10, 8))
    assert page.results_overdue(date(2026, 10, 9))
    late = overdue("qinzhou", on=date(2026, 10, 9))
    assert [(o.title, o.due, o.unit) for o in late] == [(page.title, date(2026, 10, 8), "市教育局")]
    assert "第二十二条" in late[0].rule
    assert not overdue("qinzhou", on=date(2026, 10, 8))

    # Closed just before the holiday: the month runs across it and is not lengthened by it.
    page.closes_at = datetime(2026, 9, 30, 18, 0, tzinfo=SH)
    page.save()
    assert page.results_due == date(2026, 10, 30)
    assert page.results_overdue(date(2026, 10, 31)) and not page.results_overdue(date(2026, 10, 30))


def test_published_results_end_the_deadline(survey):
    page = survey(opens=-40, closes=-35)
    assert page.results_overdue(page.results_due + timedelta(days=1))
    page.results_published = True
    page.results_text = "<p>结果分析</p>"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.results_published_at is not None
    assert not overdue("qinzhou", on=page.results_due + timedelta(days=1))


def test_results_cannot_be_published_before_closing(survey):
    page = survey()
    page.results_published = True
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "结束后方可公布调查结果" in str(exc.value)


def test_reminders_go_to_the_owning_unit_once_a_day(survey, people):
    from govportal.notices.models import Notice

    page = survey(opens=-60, closes=-40)
    on = page.results_due + timedelta(days=1)
    said = send_reminders(on=on)
    assert "超期 1 项" in said
    notices = Notice.objects.filter(kind="participation_results")
    assert {n.user_id for n in notices} >= {people.editor.pk, people.chief.pk}
    assert people.other.pk not in {n.user_id for n in notices}
    assert "已超期" in notices.first().title
    count = notices.count()
    send_reminders(on=on)
    assert Notice.objects.filter(kind="participation_results").count() == count


def test_unanswered_interview_questions_are_due_in_working_days_across_the_holiday(interview, people):
    from govportal.participation import submissions
    from govportal.participation.models import InterviewQuestion, QuestionState

    page = interview()
    question = submissions.submit_question(page, text="划片范围什么时候公布？")
    submissions.moderate(question, people.editor, True)
    page.starts_at = datetime(2026, 9, 30, 9, 0, tzinfo=SH)
    page.ends_at = datetime(2026, 9, 30, 11, 0, tzinfo=SH)
    page.save()
    due = page.answers_due
    assert due == add_workdays(date(2026, 9, 30), 5) and due > date(2026, 10, 12)
    assert [o.what for o in overdue("qinzhou", on=due + timedelta(days=1))] == ["1个已采纳的网民问题未答复"]
    assert not overdue("qinzhou", on=due)
    question.refresh_from_db()
    submissions.answer_after(question, people.editor, answer="8月上旬公布。", answered_by="王芳")
    assert InterviewQuestion.objects.get(pk=question.pk).status == QuestionState.ANSWERED_AFTER
    assert not overdue("qinzhou", on=due + timedelta(days=1))
