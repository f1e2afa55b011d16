"""The working-day calendar every deadline uses: the shipped holiday data plus the years an
administrator entered (``WorkdaySchedule``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max

from govportal.rules.workdays import Calendar, fallback_message, package_years

from .models import WorkdaySchedule

_cache: dict[tuple, Calendar] = {}


def workday_calendar() -> Calendar:
    """The current calendar (one small query to notice an administrator's change)."""

    key = tuple(WorkdaySchedule.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())
    cal = _cache.get(key)
    if cal is None:
        cal = Calendar(extra=[s.schedule() for s in WorkdaySchedule.objects.all()])
        _cache.clear()
        _cache[key] = cal
    return cal


def missing_years(today: date | None = None) -> list[int]:
    """This year and next, where neither the package nor an administrator has holiday data."""
    today = today or date.today()
    cal = workday_calendar()
    return [y for y in (today.year, today.year + 1) if not cal.has_data(y)]


HOLIDAY_ADVICE = "请网站管理员在后台“节假日安排”中录入国务院办公厅公布的放假安排"


def holiday_warning(years) -> str:
    """The one missing-holiday warning, wherever a deadline or the dashboard meets a year without holiday data:
    「2027年无节假日数据，按周一至周五计算，请网站管理员在后台“节假日安排”中录入国务院办公厅公布的放假安排」
    ("" when ``years`` is empty)."""
    text = fallback_message(years)
    return f"{text}，{HOLIDAY_ADVICE}" if text else ""


__all__ = ["holiday_warning", "missing_years", "package_years", "workday_calendar"]
