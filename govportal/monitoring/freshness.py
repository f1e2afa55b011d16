"""Column freshness (栏目更新情况): each column's update frequency turned into a due date and a state.

The frequency is the column's phrase parsed by ``govportal.rules.frequency`` (from the profile's column
table). The date an item counts from is its 发布日期 (``ItemPage.date``); an item without one counts as not
updated (2015 普查: "未注明信息发布时间的视为不更新"). A column's items are those directly in it and in its
sub-columns (an 一级栏目 is updated when anything below it is).

States (``State``):

``fresh``      on time; ``since`` = the last update (or when the period's count was reached)
``due_soon``   the due date is within the profile's warning days; ``since`` = the day the warning began
``overdue``    past its due date; ``since`` = the first day late
``empty``      no item at all (a 空白栏目); ``since`` = the day the column went live
``unchecked``  on-demand, no update needed, a container, a link to another site: never due

How each kind of frequency gives a due date (working days through ``govportal.rules.workdays``):

* ``max_gap`` (e.g. 6个月内) and ``continuous`` (及时更新 = the profile's ``[frequency] timely``): the last
  update plus the gap;
* ``min_count`` (每周至少1条, 两月至少1条): the end of the current calendar period while it still lacks
  items; overdue when the previous period fell short and the current one has not yet caught up;
* ``event`` with a deadline (文件印发后5个工作日内): counted from the linked document's issue date (成文日期):
  a policy document in the column is due N working days after its own issue date, an interpretation after
  the issue date of the document it interprets; a document issued but not yet live in the column, or a
  document needing an interpretation that has none, is a pending event.

Profile values (``[monitoring.freshness]``): ``warning_days`` (days before the due date a column is “due
soon” and its editors are reminded), ``escalate`` (who is told once a column is overdue, after how many
days) and ``article``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.utils import timezone
from wagtail.models import Page

from govportal.accounts.models import Unit, UnitKind
from govportal.accounts.permissions import unit_of
from govportal.accounts.staffing import staff_of
from govportal.portal.calendar import workday_calendar
from govportal.portal.models import (
    ITEM_KINDS,
    ColumnPage,
    HomePage,
    InterpretationPage,
    PolicyDocumentPage,
    SubsiteHomePage,
)
from govportal.rules.frequency import Frequency, parse_frequency, period_bounds
from govportal.rules.profile import load_profile
from govportal.rules.workdays import Calendar, default_calendar

from . import permissions as perms
from . import registry
from .alerts import AlertRound
from .models import AlertSeverity

FRESH, DUE_SOON, OVERDUE, EMPTY, UNCHECKED = "fresh", "due_soon", "overdue", "empty", "unchecked"
STATE_LABELS = {
    FRESH: "正常",
    DUE_SOON: "即将到期",
    OVERDUE: "已超期",
    EMPTY: "空白栏目",
    UNCHECKED: "不检查",
}
STATES = (OVERDUE, DUE_SOON, EMPTY, FRESH, UNCHECKED)

DEFAULT_WARNING_DAYS = 3
DEFAULT_ESCALATION = (
    {"to": "editor", "after_days": 0},
    {"to": "leader", "after_days": 3},
    {"to": "host_office", "after_days": 7},
)
# Supply methods whose content lives elsewhere: nothing here to keep fresh.
NOT_HERE = ("跳转链接", "服务接口")


@dataclass(frozen=True)
class ItemRecord:
    page_id: int
    title: str
    path: str
    day: date | None  # 发布日期 (local date); None = not dated
    unit_id: int | None
    kind: str
    url_path: str = ""


@dataclass
class ColumnStatus:
    column: Page
    path_titles: tuple[str, ...]
    level: int
    units: list = field(default_factory=list)
    frequency: Frequency | None = None
    rule: str = ""
    state: str = UNCHECKED
    since: date | None = None
    due: date | None = None
    last_update: date | None = None
    item_count: int = 0
    undated: list[ItemRecord] = field(default_factory=list)
    last_item: ItemRecord | None = None
    note: str = ""
    is_container: bool = False
    is_external: bool = False
    events: list[dict] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def title(self) -> str:
        return "／".join(self.path_titles)

    @property
    def unit_names(self) -> str:
        return "、".join(u.name for u in self.units)

    @property
    def checkable(self) -> bool:
        return self.frequency is not None and self.frequency.is_checkable and not self.is_external


# --- profile values ---------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _profile(locality: str):
    try:
        return load_profile(locality)
    except Exception:  # an unknown locality: platform defaults
        return None


def settings_for(locality: str) -> dict:
    """The profile's ``[monitoring.freshness]`` values with the platform defaults filled in."""
    profile = _profile(locality)
    raw = {}
    if profile is not None:
        raw = dict((profile.sections.get("monitoring") or {}).get("freshness") or {})
    return {
        "warning_days": int(raw.get("warning_days", DEFAULT_WARNING_DAYS)),
        "escalate": list(raw.get("escalate") or DEFAULT_ESCALATION),
        "article": str(raw.get("article", "")),
        "regulation": profile.regulation if profile else "",
    }


def timely_for(locality: str) -> Frequency:
    profile = _profile(locality)
    return profile.frequency_timely if profile else parse_frequency("14天")


# --- items ------------------------------------------------------------------------------------------


def item_models():
    from django.apps import apps

    return [apps.get_model(k) for k in ITEM_KINDS]


def _local_day(value) -> date | None:
    if value is None:
        return None
    if hasattr(value, "hour"):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def site_items(home: Page) -> list[ItemRecord]:
    """Every live item below ``home`` with its 发布日期 (None when it has none)."""
    out: list[ItemRecord] = []
    for model in item_models():
        rows = (
            model.objects.descendant_of(home)
            .filter(live=True)
            .values_list("id", "title", "path", "date", "unit_id", "url_path")
        )
        kind = model._meta.verbose_name
        for pk, title, path, day, unit_id, url_path in rows.iterator():
            out.append(ItemRecord(pk, title, path, _local_day(day), unit_id, str(kind), url_path))
    return out


def _pending_events(home: Page, columns_by_path: dict[str, Page]) -> dict[str, list[dict]]:
    """Events whose deadline still runs, by column path: policy documents issued (成文日期) but not yet
    live, and live documents that need an interpretation and have no live one."""

    out: dict[str, list[dict]] = defaultdict(list)
    for doc in PolicyDocumentPage.objects.descendant_of(home).filter(live=False, date_written__isnull=False):
        parent = doc.path[: -Page.steplen]
        if parent in columns_by_path:
            out[parent].append(
                {
                    "event_day": doc.date_written,
                    "title": doc.title,
                    "page_id": doc.pk,
                    "what": "文件印发后尚未发布",
                }
            )
    interpreted = set(InterpretationPage.objects.filter(live=True).values_list("policy_id", flat=True))
    docs = [
        d
        for d in PolicyDocumentPage.objects.descendant_of(home).filter(live=True, date_written__isnull=False)
        if d.pk not in interpreted
    ]
    if docs:
        locality = getattr(home.specific, "locality", "")
        interp_columns = [
            p
            for p, c in columns_by_path.items()
            if "解读" in c.title and not any(q != p and q.startswith(p) for q in columns_by_path)
        ]
        for doc in docs:
            if not registry.needs_interpretation(doc, locality):
                continue
            for p in interp_columns:
                out[p].append(
                    {
                        "event_day": doc.date_written,
                        "title": doc.title,
                        "page_id": doc.pk,
                        "what": "文件尚无解读",
                    }
                )
    return out


def _issue_days(home: Page) -> dict[int, date]:
    """page id → the issue date (成文日期) the item's event deadline counts from."""

    issued = dict(
        PolicyDocumentPage.objects.descendant_of(home)
        .filter(date_written__isnull=False)
        .values_list("id", "date_written")
    )
    out = dict(issued)
    for pk, policy_id in InterpretationPage.objects.descendant_of(home).values_list("id", "policy_id"):
        if policy_id in issued:
            out[pk] = issued[policy_id]
    return out


# --- the state of one column -------------------------------------------------------------------------


def assess(
    freq: Frequency | None,
    items: list[ItemRecord],
    today: date,
    *,
    timely: Frequency,
    warning_days: int,
    went_live: date | None = None,
    events: list[dict] | None = None,
    issue_days: dict[int, date] | None = None,
    calendar: Calendar | None = None,
) -> dict:
    """State of a column with ``items`` on ``today`` under ``freq`` (see the module docstring).

    Only items dated on or before ``today`` count (so a past day can be assessed)."""
    cal = calendar or default_calendar()
    items = [i for i in items if i.day is None or i.day <= today]
    dated = sorted((i for i in items if i.day is not None), key=lambda i: i.day)
    undated = [i for i in items if i.day is None]
    last = dated[-1] if dated else None
    out = {
        "state": UNCHECKED,
        "since": None,
        "due": None,
        "last_update": last.day if last else None,
        "last_item": last,
        "undated": undated,
        "note": "",
        "events": [],
    }
    if undated:
        out["note"] = f"{len(undated)} 条信息未注明发布日期，视为未更新"
    if not items:
        out["state"], out["since"] = EMPTY, went_live
        if freq is None or not freq.is_checkable or freq.kind != "event" or not events:
            return out
    if freq is None or not freq.is_checkable:
        return out

    def by_due(due: date, since_fresh: date | None) -> None:
        out["due"] = due
        if today > due:
            out["state"], out["since"] = OVERDUE, due + timedelta(days=1)
        elif today >= due - timedelta(days=warning_days):
            out["state"], out["since"] = DUE_SOON, max(due - timedelta(days=warning_days), since_fresh or due)
        else:
            out["state"], out["since"] = FRESH, since_fresh

    if freq.kind in ("max_gap", "continuous"):
        if last is None:
            out["state"], out["since"] = OVERDUE, None
            return out
        by_due(freq.next_due(last.day, timely, cal), last.day)  # type: ignore[arg-type]
        return out

    if freq.kind == "min_count":
        count, amount, unit = freq.count_rule()  # type: ignore[misc]
        start, end = period_bounds(today, amount, unit)
        prev_start, prev_end = period_bounds(start - timedelta(days=1), amount, unit)
        now_days = [i.day for i in dated if start <= i.day <= end]
        prev_n = sum(1 for i in dated if prev_start <= i.day <= prev_end)
        if len(now_days) >= count:
            _, next_end = period_bounds(end + timedelta(days=1), amount, unit)
            out["due"], out["state"], out["since"] = next_end, FRESH, now_days[count - 1]
            return out
        started = went_live is None or went_live <= prev_start
        if prev_n < count and started:
            out["due"], out["state"], out["since"] = end, OVERDUE, prev_end + timedelta(days=1)
            out["note"] = (out["note"] + "；" if out["note"] else "") + (
                f"上一周期（{prev_start:%m月%d日}至{prev_end:%m月%d日}）仅 {prev_n} 条，少于 {count} 条"
            )
            return out
        by_due(end, start)
        return out

    # event with a deadline
    issue_days = issue_days or {}
    late = []
    for i in dated:
        issued = issue_days.get(i.page_id)
        if issued is None:
            continue
        deadline = freq.deadline(issued, cal)
        if deadline is not None and i.day > deadline:
            late.append(
                {"title": i.title, "page_id": i.page_id, "issued": issued, "deadline": deadline, "day": i.day}
            )
    pending = []
    for e in events or []:
        if e["event_day"] > today:
            continue
        deadline = freq.deadline(e["event_day"], cal)
        pending.append({**e, "deadline": deadline})
    out["events"] = pending + [{**x, "what": "发布晚于期限"} for x in late]
    if pending:
        first = min(pending, key=lambda e: e["deadline"])
        by_due(first["deadline"], last.day if last else None)
    elif items:
        out["state"], out["since"] = FRESH, last.day if last else None
    if late and out["state"] == FRESH:
        out["note"] = (out["note"] + "；" if out["note"] else "") + f"{len(late)} 条发布晚于期限"
    return out


# --- the board ---------------------------------------------------------------------------------------


def column_statuses(
    home: Page, today: date | None = None, *, include_subsites: bool = True
) -> list[ColumnStatus]:
    """Freshness of every live column below ``home`` (main site, and sub-sites unless told not to)."""

    today = today or timezone.localdate()
    locality = getattr(home.specific, "locality", "") or ""
    conf = settings_for(locality)
    timely = timely_for(locality)
    cal = workday_calendar()
    columns = list(
        ColumnPage.objects.descendant_of(home).filter(live=True).order_by("path").prefetch_related("units")
    )
    subsite_units = dict(SubsiteHomePage.objects.descendant_of(home).values_list("path", "unit_id"))
    titles: dict[str, str] = dict(SubsiteHomePage.objects.descendant_of(home).values_list("path", "title"))
    if not include_subsites:
        columns = [c for c in columns if not any(c.path.startswith(p) for p in subsite_units)]
    by_path = {c.path: c for c in columns}
    items_by_column: dict[str, list[ItemRecord]] = defaultdict(list)
    for item in site_items(home):
        # the item belongs to its nearest column and to every column above it
        p = item.path[: -Page.steplen]
        while len(p) > home.depth * Page.steplen:
            if p in by_path:
                items_by_column[p].append(item)
            p = p[: -Page.steplen]
    events = _pending_events(home, by_path)
    issue_days = _issue_days(home)

    units_by_id = {u.pk: u for u in Unit.objects.filter(locality=locality)}
    out = []
    for c in columns:
        titles[c.path] = c.title
        path_titles = tuple(
            titles.get(c.path[: i * Page.steplen], "") for i in range(home.depth + 1, c.depth + 1)
        )
        sub = next((p for p in subsite_units if c.path.startswith(p)), None)
        if sub is not None:
            path_titles = path_titles[1:]  # drop the sub-site index: 「市教育局／通知公告」
        freq = None
        if c.frequency:
            try:
                freq = Frequency.from_dict(c.frequency)
            except (KeyError, ValueError):
                freq = None
        elif c.frequency_text:
            try:
                freq = parse_frequency(c.frequency_text)
            except ValueError:
                freq = None
        units = list(c.units.all())
        if not units and sub is not None and subsite_units[sub] in units_by_id:
            units = [units_by_id[subsite_units[sub]]]
        is_container = any(p != c.path and p.startswith(c.path) for p in by_path)
        status = ColumnStatus(
            column=c,
            path_titles=path_titles,
            level=c.depth - home.depth if sub is None else c.depth - home.depth - 2,
            units=units,
            frequency=freq,
            rule=freq.describe(timely) if freq else "未规定更新频率",
            is_container=is_container,
            is_external=c.supply_method in NOT_HERE,
        )
        items = items_by_column.get(c.path, [])
        status.item_count = len(items)
        went_live = _local_day(c.first_published_at or c.last_published_at or c.latest_revision_created_at)
        if status.is_external:
            status.state, status.rule = UNCHECKED, f"{c.supply_method}，内容不在本站"
        elif is_container and freq is None:
            status.state = UNCHECKED
            status.last_update = max((i.day for i in items if i.day), default=None)
        else:
            r = assess(
                freq,
                items,
                today,
                timely=timely,
                warning_days=conf["warning_days"],
                went_live=went_live,
                events=events.get(c.path),
                issue_days=issue_days,
                calendar=cal,
            )
            status.state, status.since, status.due = r["state"], r["since"], r["due"]
            status.last_update, status.last_item = r["last_update"], r["last_item"]
            status.undated, status.note, status.events = r["undated"], r["note"], r["events"]
        out.append(status)
    return out


def visible_statuses(user, statuses: list[ColumnStatus]) -> list[ColumnStatus]:
    """What ``user`` may see: the host office, site administrators and the operator every unit; a unit's
    leaders and section chiefs their unit; an editor the columns of their unit (their own columns)."""

    if perms.sees_all_units(user):
        return statuses

    unit = unit_of(user)
    if unit is None:
        return []
    return [s for s in statuses if any(u.pk == unit.pk for u in s.units)]


def summary(statuses: list[ColumnStatus]) -> dict[str, int]:
    counts = {s: 0 for s in STATES}
    for s in statuses:
        counts[s.state] += 1
    return counts


def unit_rows(statuses: list[ColumnStatus]) -> list[dict]:
    """Per-unit counts of each state (a column of several units counts for each)."""
    rows: dict[int, dict] = {}
    for s in statuses:
        for u in s.units:
            row = rows.setdefault(u.pk, {"unit": u, **{k: 0 for k in STATES}, "total": 0})
            row[s.state] += 1
            row["total"] += 1
    return sorted(rows.values(), key=lambda r: (-r[OVERDUE], -r[EMPTY], -r[DUE_SOON], r["unit"].sort_order))


# --- reminders and escalation -------------------------------------------------------------------------

ESCALATION_ROLES = {
    "editor": ("editor",),
    "leader": ("deputy_leader", "principal_leader"),
    "host_office": ("host_office",),
}
ESCALATION_LABELS = {"editor": "信息员", "leader": "单位领导", "host_office": "主办单位"}


def _recipients(locality: str, units, to: str):
    roles = ESCALATION_ROLES.get(to, ())
    if to == "host_office":
        units = Unit.objects.filter(locality=locality, kind=UnitKind.HOST_OFFICE)
    return list(staff_of(units, roles))


def remind(home: Page, today: date | None = None) -> dict[str, int]:
    """Remind editors of columns due soon; once overdue tell the editor, then the leader, then the host office
    (steps and days from the profile's ``[monitoring.freshness] escalate``). Each reminder goes once per due
    date and step (alerts merge repeats); alerts of columns back on time are resolved."""
    from django.urls import reverse

    today = today or timezone.localdate()
    locality = getattr(home.specific, "locality", "") or ""
    conf = settings_for(locality)
    article = f"（{conf['regulation']}{conf['article']}）" if conf["article"] else ""
    url = reverse("monitoring_freshness")
    prefix = f"freshness:{locality}:"
    alerts = AlertRound(prefix)
    found: dict[tuple, list] = {}  # (unit ids, step) -> the people told: columns share their units

    def recipients(units, to):
        key = (tuple(u.pk for u in units), to)
        if key not in found:
            found[key] = _recipients(locality, units, to)
        return found[key]

    counts = {"due_soon": 0, "overdue": 0, "new": 0}
    for s in column_statuses(home, today):
        if s.state not in (DUE_SOON, OVERDUE) or not s.units:
            continue
        evidence = [
            {
                "栏目": s.title,
                "更新要求": s.rule,
                "最近更新": str(s.last_update or "无"),
                "到期日": str(s.due or ""),
            }
        ]
        if s.state == DUE_SOON:
            counts["due_soon"] += 1
            key = f"{prefix}{s.column.pk}:due:{s.due}"
            new = alerts.raise_alert(
                key,
                kind="freshness",
                severity=AlertSeverity.INFO,
                subject=f"栏目“{s.title}”将于{s.due:%Y年%m月%d日}到期，请及时更新",
                users=lambda units=s.units: recipients(units, "editor"),
                unit=s.units[0],
                locality=locality,
                url=url,
                evidence=evidence,
                body=f"栏目“{s.title}”要求{s.rule}，最近更新 {s.last_update or '无'}，到期日 {s.due}。{article}",
            )
            counts["new"] += int(new)
            continue
        counts["overdue"] += 1
        days_over = (today - s.since).days if s.since else 10**6
        for step in conf["escalate"]:
            to = step.get("to", "")
            if to not in ESCALATION_ROLES or days_over < int(step.get("after_days", 0)):
                continue
            key = f"{prefix}{s.column.pk}:overdue:{s.due or 'nodate'}:{to}"
            who = ESCALATION_LABELS[to]
            new = alerts.raise_alert(
                key,
                kind="freshness",
                severity=AlertSeverity.WARNING if to == "editor" else AlertSeverity.HIGH,
                subject=f"栏目“{s.title}”已超期未更新（{s.unit_names}）"
                + ("" if to == "editor" else f"，提请{who}督办"),
                users=lambda units=s.units, to=to: recipients(units, to),
                unit=s.units[0],
                locality=locality,
                url=url,
                evidence=evidence,
                body=(
                    f"栏目“{s.title}”要求{s.rule}，最近更新 {s.last_update or '无'}，"
                    f"{'自 ' + str(s.since) + ' 起' if s.since else ''}已超期。{article}"
                ),
            )
            counts["new"] += int(new)
    counts["resolved"] = alerts.finish()
    return counts


def scheduled_reminders() -> str:
    """Periodic job: freshness reminders and escalation for every site."""

    parts = []
    for home in HomePage.objects.live():
        c = remind(home)
        parts.append(
            f"{home.locality}：即将到期 {c['due_soon']}，超期 {c['overdue']}，新发提醒 {c['new']}，已恢复 {c['resolved']}"
        )
    return "；".join(parts) or "没有网站"
