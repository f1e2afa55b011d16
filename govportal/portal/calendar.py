"""The working-day calendar every deadline uses: the shipped holiday data plus the years an
administrator entered (``WorkdaySchedule``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max

from govportal.rules.workdays import Calendar, package_years

_cache: dict[tuple, Calendar] = {}


def workday_calendar() -> Calendar:
    """The current calendar (one small query to notice an administrator's change)."""
    from .models import WorkdaySchedule

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


__all__ = ["missing_years", "package_years", "workday_calendar"]
