"""The facts an assessment is made of, collected from the other apps through their public functions:

* items published in the period (``portal``): one :class:`Placement` per live item, with its media kind
  (``ItemPage.media_kind``) and a key that is the same for every placement of one piece of information —
  a Wagtail alias takes its original's key, a copy in another column the same title on the same day;
* text findings (``monitoring``'s site scans, ``TextScanFinding``): each problem once, in the period in which
  a scan first found it (a typo still there next quarter is the same accident), false positives left out;
* overdue and empty columns (``monitoring.freshness.column_statuses`` at the period's last day);
* overdue letters (``interaction.Letter``): due in the period and concluded late, or still open after it.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from django.utils import timezone

from govportal.accounts.models import Staff, Unit
from govportal.interaction.models import Letter, LetterState
from govportal.monitoring.freshness import EMPTY, OVERDUE, column_statuses, item_models
from govportal.monitoring.models import FindingStatus, ScanStatus, TextScanFinding
from govportal.portal.columns import home_for
from govportal.portal.models import ColumnPage, SubsiteHomePage
from govportal.rules.assessment import Fact, Period, Placement, Rules
from govportal.rules.profile import load_profile


@lru_cache(maxsize=16)
def _profile(locality: str):
    try:
        return load_profile(locality)
    except Exception:
        return None


def rules_for(locality: str) -> Rules:
    """The locality's ``[assessment]`` rules (platform defaults when its profile has none)."""
    profile = _profile(locality)
    section = profile.sections.get("assessment") if profile else None
    return Rules.from_section(section, locality=locality, regulation=profile.regulation if profile else "")


def letter_template(locality: str) -> dict | None:
    profile = _profile(locality)
    return dict(profile.sections.get("annual_letter") or {}) or None if profile else None


def assessed_units(locality: str, rules: Rules | None = None):
    rules = rules or rules_for(locality)
    return list(Unit.objects.filter(locality=locality, kind__in=rules.targets).order_by("sort_order", "id"))


def _local_day(value) -> datetime.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def _bounds(period: Period):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


_SPACE = re.compile(r"\s+")


def _title_key(title: str) -> str:
    return _SPACE.sub("", title or "")


def placements(locality: str, period: Period, units) -> list[Placement]:
    """Every item first published in ``period`` below the locality's site, of one of ``units``."""

    home = home_for(locality)
    if home is None:
        return []
    by_id = {u.pk: u for u in units}
    start, end = _bounds(period)
    owners = dict(Staff.objects.filter(unit__locality=locality).values_list("user_id", "unit_id"))

    subsites = list(SubsiteHomePage.objects.descendant_of(home).values_list("path", "unit_id"))
    sole_unit: dict[str, int | None] = {}

    def fallback_unit(page) -> int | None:
        """An item with no unit of its own and no owner in a unit (made by a program): the unit of the
        sub-site it is in, else its column's only responsible unit (the platform's choice)."""
        for path, unit_id in subsites:
            if page.path.startswith(path) and unit_id:
                return unit_id
        parent = page.path[: -page.steplen]
        if parent not in sole_unit:
            ids = list(ColumnPage.objects.filter(path=parent).values_list("units", flat=True))
            ids = [i for i in ids if i]
            sole_unit[parent] = ids[0] if len(ids) == 1 else None
        return sole_unit[parent]

    rows = []
    for model in item_models():
        qs = (
            model.objects.descendant_of(home)
            .filter(live=True, first_published_at__gte=start, first_published_at__lt=end)
            .select_related("image")
        )
        for page in qs:
            unit_id = page.unit_id or owners.get(page.owner_id) or fallback_unit(page)
            if unit_id in by_id:
                rows.append((page, by_id[unit_id]))
    parents = {}
    keys: dict[int, tuple] = {}
    for page, _unit in rows:
        if not page.alias_of_id:
            keys[page.pk] = (_title_key(page.title), _local_day(page.first_published_at))
    out = []
    for page, unit in rows:
        key = keys.get(page.alias_of_id) if page.alias_of_id else keys[page.pk]
        if key is None:  # an alias whose original is not of this period: the alias's own title and day
            key = (_title_key(page.title), _local_day(page.first_published_at))
        parent_path = page.path[: -page.steplen]
        if parent_path not in parents:
            from wagtail.models import Page

            parent = Page.objects.filter(path=parent_path).only("title").first()
            parents[parent_path] = parent.title if parent else ""
        out.append(
            Placement(
                unit=unit,
                item_key=key,
                page_id=page.pk,
                title=page.title,
                column=parents[parent_path],
                media_kind=str(page.media_kind),
                day=_local_day(page.first_published_at),
            )
        )
    return out


def finding_facts(locality: str, period: Period, units) -> list[Fact]:
    by_id = {u.pk: u for u in units}
    year_start, _ = _bounds(Period("year", period.year))
    _, end = _bounds(period)
    start, _ = _bounds(period)
    qs = (
        TextScanFinding.objects.filter(
            run__locality=locality,
            run__status=ScanStatus.DONE,
            run__finished_at__gte=year_start,
            run__finished_at__lt=end,
            unit_id__in=list(by_id),
        )
        .exclude(status=FindingStatus.FALSE_POSITIVE)
        .select_related("run")
        .order_by("run__finished_at", "id")
    )
    from wagtail.models import Page

    first: dict[tuple, object] = {}
    for f in qs:
        key = (f.page_id, f.document_id, f.kind, f.text)
        first.setdefault(key, f)
    titles = dict(Page.objects.filter(pk__in={k[0] for k in first}).values_list("pk", "title"))
    out = []
    for f in first.values():
        if f.run.finished_at < start:
            continue  # found in an earlier period of the year: counted there
        where = f"《{titles.get(f.page_id, '')}》" + (
            f"附件{f.subkind}" if f.document_id and f.subkind else ""
        )
        out.append(
            Fact(
                unit=by_id[f.unit_id],
                source=f"finding:{f.kind}",
                ref_type="finding",
                ref_id=f.pk,
                label=f"{f.get_kind_display()}“{f.text}”（{where}）",
                day=_local_day(f.run.finished_at),
            )
        )
    return out


def column_facts(locality: str, period: Period, units, today: datetime.date | None = None) -> list[Fact]:
    home = home_for(locality)
    if home is None:
        return []
    today = today or timezone.localdate()
    if period.start > today:
        return []
    by_id = {u.pk: u for u in units}
    out = []
    for status in column_statuses(home, min(period.end, today)):
        if status.state not in (OVERDUE, EMPTY):
            continue
        for unit in status.units:
            if unit.pk not in by_id:
                continue
            since = status.since
            state = "空白栏目" if status.state == EMPTY else "超期未更新"
            when = f"，{since:%Y-%m-%d}起" if since else ""
            out.append(
                Fact(
                    unit=by_id[unit.pk],
                    source="column_overdue",
                    ref_type="column",
                    ref_id=status.column.pk,
                    label=f"栏目“{status.title}”{state}（{status.rule}{when}）",
                    day=since,
                )
            )
    return out


def letter_facts(locality: str, period: Period, units, today: datetime.date | None = None) -> list[Fact]:
    today = today or timezone.localdate()
    by_id = {u.pk: u for u in units}
    qs = Letter.objects.filter(
        locality=locality,
        lead_unit_id__in=list(by_id),
        due_date__gte=period.start,
        due_date__lte=period.end,
    ).exclude(state__in=[LetterState.REJECTED, LetterState.MERGED])
    out = []
    for letter in qs.order_by("due_date", "id"):
        concluded = _local_day(letter.concluded_at) if letter.state == LetterState.CONCLUDED else None
        if concluded is not None:
            late = concluded > letter.due_date
            how = f"{concluded:%Y-%m-%d}办结" if late else ""
        else:
            late = today > letter.due_date
            how = "至今未办结"
        if not late:
            continue
        out.append(
            Fact(
                unit=by_id[letter.lead_unit_id],
                source="letter_overdue",
                ref_type="letter",
                ref_id=letter.pk,
                label=f"{letter.type_name}信件{letter.query_code}，办理期限{letter.due_date:%Y-%m-%d}，{how}",
                day=letter.due_date,
            )
        )
    return out


def all_facts(locality: str, period: Period, units, today=None) -> list[Fact]:
    return (
        finding_facts(locality, period, units)
        + column_facts(locality, period, units, today)
        + letter_facts(locality, period, units, today)
    )
