"""The operator asks the calendar from the command line; administrators add a year's schedule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from govportal.portal.calendar import missing_years, workday_calendar
from govportal.portal.models import WorkdaySchedule

pytestmark = pytest.mark.django_db


def run(*args, capsys):
    call_command("workdays", *args)
    return capsys.readouterr()


def test_two_working_days_after_national_day_eve(capsys):
    # 2026: 10月1日–7日 放假, 9月20日(周日)、10月10日(周六) 上班
    out = run("2026-09-30", "2", capsys=capsys)
    assert out.out.startswith("2026-10-09")
    assert out.err == ""


def test_spring_festival_2026_with_make_up_saturday(capsys):
    # 春节 2026-02-15..23 放假; 2月14日(周六)、2月28日(周六)上班
    assert run("2026-02-13", "1", capsys=capsys).out.startswith("2026-02-14（星期六）")
    assert run("2026-02-14", "1", capsys=capsys).out.startswith("2026-02-24")


def test_year_without_data_falls_back_and_says_so(capsys):
    out = run("2027-01-29", "1", capsys=capsys)
    assert out.out.startswith("2027-02-01")
    assert "2027年无节假日数据" in out.err


def test_administrator_enters_next_years_schedule(capsys):
    WorkdaySchedule.objects.create(
        year=2027,
        notice_text="一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日至12日放假调休，共7天。2月20日（周六）上班。",
        source="测试用安排",
    )
    out = run("2026-12-31", "1", capsys=capsys)
    assert out.out.startswith("2027-01-04")
    assert out.err == ""
    assert workday_calendar().is_workday(__import__("datetime").date(2027, 2, 20))
    assert 2027 not in missing_years(__import__("datetime").date(2027, 1, 1))


def test_bad_schedule_text_is_explained():
    schedule = WorkdaySchedule(year=2027, notice_text="放假 2028-01-01")
    with pytest.raises(ValidationError) as exc:
        schedule.full_clean()
    assert "2028" in str(exc.value)


def test_bad_date_is_explained(capsys):
    with pytest.raises(CommandError, match="无法识别"):
        call_command("workdays", "明天", "2")
