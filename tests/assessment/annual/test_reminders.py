"""The reminder ahead of 31 January / 31 March: the deadlines are calendar dates from the rules (never moved),
the reminder goes out 10 working days before them (the platform calendar: 2026 has its official holidays),
once per report, to the people who must act, and not for a report already published."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.assessment.annual.models import DisclosureReport
from govportal.assessment.annual.reminders import remind
from govportal.assessment.annual.rules import annual_rules
from govportal.notices.models import Notice
from govportal.publishing.schedule import job

pytestmark = pytest.mark.django_db


def test_deadlines_come_from_the_rules_and_reminders_from_the_working_day_calendar(qinzhou):
    rules = annual_rules("qinzhou")
    assert rules.due("department", 2025) == date(2026, 1, 31)  # a Saturday: the date is not moved
    assert rules.due("government", 2025) == date(2026, 3, 31)
    assert rules.due("website", 2025) == date(2026, 1, 31)
    # 10 working days before 31 January 2026, counted back: 30, 29, 28, 27, 26, 23, 22, 21, 20, 19
    assert rules.remind_on("department", 2025) == (date(2026, 1, 19), ())
    # 10 working days before 31 March 2026: 30, 27, 26, 25, 24, 23, 20, 19, 18, 17
    assert rules.remind_on("government", 2025) == (date(2026, 3, 17), ())
    assert "第四十九条" in rules.disclosure_cite and "附件1" in rules.disclosure_cite
    # a year without official holidays falls back to weekdays and says so
    _, fallback = rules.remind_on("department", 2030)
    assert fallback == (2031,)
    assert job("annual_report_reminders").func == "govportal.assessment.annual.reminders.scheduled_remind"


def test_a_department_is_reminded_once_and_not_after_publishing(people, units):
    edu, health = units("市教育局"), units("市卫生健康委")
    assert remind(date(2026, 1, 16)) == {"website": 0, "department": 0, "government": 0}  # too early
    assert not Notice.objects.exists()
    DisclosureReport.objects.create(
        locality="qinzhou", unit=health, year=2025, published_at="2026-01-10T10:00:00+08:00"
    )
    sent = remind(date(2026, 1, 19))
    mine = Notice.objects.filter(user=people.editor, kind="annual_report")
    assert mine.count() == 1
    notice = mine.get()
    assert "市教育局2025年政府信息公开工作年度报告须在2026年1月31日前公布" in notice.title
    assert "第四十九条" in notice.body
    assert not Notice.objects.filter(user=people.other, title__contains="政府信息公开").exists()  # published
    assert sent["department"] >= 1 and sent["government"] == 0
    # the website report: the portal's to the host office and site administrators
    assert Notice.objects.filter(user=people.site_admin, title__contains="政府网站工作年度报表").exists()
    remind(date(2026, 1, 20))
    assert mine.count() == 1  # once
    assert DisclosureReport.objects.get(unit=edu, year=2025).reminded_on == date(2026, 1, 19)
    # the government's report: the host office, from 17 March
    remind(date(2026, 3, 16))
    assert not Notice.objects.filter(user=people.host, title__contains="钦州市人民政府2025年").exists()
    remind(date(2026, 3, 17))
    gov = Notice.objects.get(user=people.host, title__contains="钦州市人民政府2025年")
    assert "2026年3月31日前公布" in gov.title
