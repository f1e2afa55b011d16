"""Daily reading (读网, 钦州办法第三十一条, 酉阳办法第二十八条): each unit's reader checks, every day, the unit's
columns, its sub-site and the items it published that day; marks them read or files a problem, which becomes
an error report (网站纠错) handled by the existing process. The log shows who read what and when, and the
working days on which nobody read.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from govportal.interaction.error_reports import submit
from govportal.portal.calendar import workday_calendar
from govportal.portal.models import ColumnPage, SubsiteHomePage

from .freshness import item_models
from .models import ReadingMark


def pages_for(unit, day: date) -> list:
    """What the unit's reader reads on ``day``: its sub-site home, its columns, its items published that day."""

    out = list(SubsiteHomePage.objects.filter(unit=unit, live=True))
    out += list(ColumnPage.objects.filter(units=unit, live=True).order_by("path"))
    for model in item_models():
        out += list(model.objects.filter(unit=unit, live=True, date__date=day).order_by("path"))
    seen, unique = set(), []
    for p in out:
        if p.pk not in seen:
            seen.add(p.pk)
            unique.append(p)
    return unique


def mark_read(user, unit, pages, day: date | None = None) -> int:
    day = day or timezone.localdate()
    n = 0
    for page in pages:
        try:
            with transaction.atomic():
                ReadingMark.objects.create(day=day, unit=unit, user=user, page=page, state=ReadingMark.READ)
                n += 1
        except IntegrityError:
            pass  # already marked today
    return n


def file_problem(user, unit, page, kind: str, description: str, day: date | None = None) -> ReadingMark:
    """The reader's problem becomes an error report (网站纠错) of the page, and the day's mark records it."""
    import uuid

    day = day or timezone.localdate()
    site = page.get_site()
    locality = unit.locality
    report, _ = submit(
        locality=locality,
        token_nonce=uuid.uuid4().hex,
        page_url=page.get_url(None) or page.url_path,
        kind=kind,
        description=f"【读网发现】{description.strip()}",
        name=user.get_full_name() or user.get_username(),
        contact=f"{unit.name}读网",
        site=site,
    )
    mark, _ = ReadingMark.objects.update_or_create(
        day=day,
        unit=unit,
        page=page,
        defaults={
            "user": user,
            "state": ReadingMark.PROBLEM,
            "note": description.strip(),
            "error_report": report,
        },
    )
    return mark


def log(unit, days: int = 30, today: date | None = None) -> list[dict]:
    """One row a day (newest first): who read how many pages, problems filed; working days with no reading
    are marked missing."""

    today = today or timezone.localdate()
    cal = workday_calendar()
    start = today - timedelta(days=days - 1)
    marks = ReadingMark.objects.filter(unit=unit, day__gte=start, day__lte=today).select_related("user")
    by_day: dict[date, list[ReadingMark]] = {}
    for m in marks:
        by_day.setdefault(m.day, []).append(m)
    rows = []
    for i in range(days):
        d = today - timedelta(days=i)
        ms = by_day.get(d, [])
        readers = sorted({m.user.get_full_name() or m.user.get_username() for m in ms})
        rows.append(
            {
                "day": d,
                "workday": cal.is_workday(d),
                "read": sum(1 for m in ms if m.state == ReadingMark.READ),
                "problems": [m for m in ms if m.state == ReadingMark.PROBLEM],
                "readers": readers,
                "first": min((m.at for m in ms), default=None),
                "missing": not ms,
            }
        )
    return rows
