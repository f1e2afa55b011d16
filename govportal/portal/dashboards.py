"""Each role's first screen in the back office (issue #19), instead of Wagtail's page counts.

editor: my drafts, my columns due · section chief / leaders: my unit's deadlines (the publishing app's
"等我审核" panel stands above) · host office: the units' state · hotline: today's letters.

``columns_due`` is a simple due view from ``govportal.rules.frequency``; the monitoring app's freshness
check may replace it later (point ``columns_due`` at it). Both use ``ItemPage.date``, the public date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from govportal.accounts.models import Role, Unit
from govportal.accounts.permissions import roles_of, unit_of
from govportal.rules.frequency import Frequency, period_bounds
from govportal.rules.profile import load_profile

from . import registry
from .columns import home_for, main_columns
from .homes import home_of
from .listing import item_models
from .models import ColumnPage

DUE_SOON_DAYS = 7


@dataclass
class ColumnDue:
    column: object
    rule: str
    last: date | None
    due: date | None
    state: str  # "overdue", "soon", "ok"

    @property
    def days_left(self) -> int | None:
        return (self.due - timezone.localdate()).days if self.due else None


def columns_due(columns, today: date | None = None) -> list[ColumnDue]:
    """Columns with a checkable update frequency: the last public date of their items and when the next
    update is due, most urgent first. A few queries whatever the number of columns."""

    today = today or timezone.localdate()
    columns = [c for c in columns if c.frequency]
    if not columns:
        return []
    home = home_of(columns[0])
    try:
        timely = load_profile(home.locality).frequency_timely if home else None
    except Exception:
        timely = None
    from django.db.models import Q
    from django.db.models.functions import Length, Substr
    from wagtail.models import Page

    wanted = {c.path for c in columns}
    scope = Q()
    for c in columns:
        scope |= Q(path__startswith=c.path)
    last: dict[str, date] = {}
    for model in item_models():  # one query per kind: the latest public date under each parent
        rows = (
            model.objects.live()
            .filter(scope)
            .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
            .values("parent_path")
            .annotate(m=Max("date"))
        )
        for row in rows:
            day = timezone.localdate(row["m"])
            parent = row["parent_path"]
            for i in range(Page.steplen, len(parent) + 1, Page.steplen):
                prefix = parent[:i]
                if prefix in wanted and (prefix not in last or day > last[prefix]):
                    last[prefix] = day
    out = []
    for c in columns:
        freq = Frequency.from_dict(c.frequency)
        seen = last.get(c.path)
        due = None
        if seen is None:  # a column with a rule and nothing in it is already behind
            out.append(ColumnDue(c, freq.describe(timely), None, None, "overdue"))
            continue
        if freq.max_gap(timely) is not None:
            due = freq.next_due(seen, timely)
        elif freq.count_rule() is not None:
            _, amount, unit = freq.count_rule()
            start, end = period_bounds(today, amount, unit)
            due = end if not (seen and seen >= start) else None
        else:
            continue
        if due is None:
            state = "ok"
        elif due < today:
            state = "overdue"
        elif due <= today + timedelta(days=DUE_SOON_DAYS):
            state = "soon"
        else:
            state = "ok"
        out.append(ColumnDue(c, freq.describe(timely), seen, due, state))
    order = {"overdue": 0, "soon": 1, "ok": 2}
    out.sort(key=lambda d: (order[d.state], d.due or date.max))
    return out


def unit_columns(unit):

    return list(ColumnPage.objects.live().filter(units=unit).distinct().order_by("path"))


class RolePanel(Component):
    template_name = "portal/panels/role.html"

    def __init__(self, name: str, title: str, sections: list[dict], order: int = 50):
        self.name, self.title, self.sections, self.order = name, title, sections, order

    def render_html(self, parent_context=None):
        return render_to_string(self.template_name, {"panel": self})


def _drafts(user) -> dict:
    from django.db.models import Q
    from wagtail.models import Page

    pages = (
        Page.objects.filter(owner=user)
        .filter(Q(live=False) | Q(has_unpublished_changes=True))
        .order_by("-latest_revision_created_at")[:8]
    )
    rows = []
    for p in pages:
        state = "已发布，有未发布的修改" if p.live else "草稿"
        if p.workflow_states.filter(status="in_progress").exists():
            state = "审核中"
        rows.append(
            {
                "url": reverse("wagtailadmin_pages:edit", args=[p.pk]),
                "text": p.get_admin_display_title(),
                "note": state,
            }
        )
    return {"heading": "我的草稿", "rows": rows, "empty": "没有未发布的草稿。"}


def _due_section(dues: list[ColumnDue], heading: str, limit: int = 8) -> dict:
    rows = []
    for d in dues[:limit]:
        # one statement, the rule, then the last publication: "已超期 16 天；动态更新（…）；最近发布：…"
        if d.state == "overdue" and d.last is None:
            state = "尚无信息，请尽快发布"
        elif d.state == "overdue":
            state = f"已超期 {-d.days_left} 天"
        elif d.due:
            state = f"应于 {d.due:%Y年%-m月%-d日} 前更新"
        else:
            state = "本期已更新"
        parts = [state, d.rule]
        if d.last:
            parts.append(f"最近发布：{d.last:%Y-%m-%d}")
        elif d.state != "overdue":
            parts.append("栏目中还没有信息")
        rows.append(
            {
                "url": reverse("wagtailadmin_explore", args=[d.column.pk]),
                "text": d.column.title,
                "note": "；".join(p for p in parts if p),
                "warn": d.state in ("overdue", "soon"),
            }
        )
    return {"heading": heading, "rows": rows, "empty": "没有设定更新周期的栏目。"}


def _units_state(user) -> dict:

    unit = unit_of(user)
    locality = unit.locality if unit else ""
    home = home_for(locality)
    dues = columns_due(list(main_columns(home).prefetch_related("units"))) if home else []
    overdue: dict[int, int] = {}
    empty: dict[int, int] = {}  # of which never had an item: said apart, as on the unit's own screen
    for d in dues:
        if d.state == "overdue":
            for u in d.column.units.all():
                overdue[u.pk] = overdue.get(u.pk, 0) + 1
                if d.last is None:
                    empty[u.pk] = empty.get(u.pk, 0) + 1
    letters = registry.letters.open_by_unit(locality) if registry.letters else {}
    rows = []
    for u in Unit.objects.filter(locality=locality).order_by("sort_order", "id"):
        cols, (n_letters, late) = overdue.get(u.pk, 0), letters.get(u.pk, [0, 0])
        if not (cols or n_letters):
            continue
        rows.append(
            {
                "url": "",
                "text": u.name,
                "note": f"超期未更新栏目 {cols} 个"
                + (f"（其中空白栏目 {empty[u.pk]} 个）" if empty.get(u.pk) else "")
                + f"；在办来信 {n_letters} 件，其中超期 {late} 件",
                "warn": bool(cols or late),
            }
        )
    rows.sort(key=lambda r: not r["warn"])
    return {"heading": "各单位状态", "rows": rows[:20], "empty": "各单位栏目按期更新，没有在办来信。"}


DASHBOARD_ROLES = {
    Role.EDITOR,
    Role.SECTION_CHIEF,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.HOST_OFFICE,
    Role.HOTLINE,
}


def has_role_dashboard(user) -> bool:
    return bool(roles_of(user) & DASHBOARD_ROLES)


def role_panels(user) -> list[RolePanel]:
    roles = roles_of(user)
    unit = unit_of(user)
    panels = []
    letters = registry.letters  # the letter sections come from the interaction app (portal.registry)
    if Role.HOTLINE in roles and letters:
        panels.append(RolePanel("hotline", "热线中心工作台", [letters.todays_section(user)], order=10))
    if Role.HOST_OFFICE in roles:
        panels.append(RolePanel("host_office", "主办单位工作台", [_units_state(user)], order=10))
    leader = roles & {Role.SECTION_CHIEF, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER}
    if leader and unit is not None:
        dues = [d for d in columns_due(unit_columns(unit)) if d.state != "ok"]
        panels.append(
            RolePanel(
                "leader",
                f"{unit.name}的期限",
                [
                    *([letters.unit_section(unit)] if letters else []),
                    _due_section(dues, "本单位栏目更新期限"),
                ],
                order=20,
            )
        )
    if Role.EDITOR in roles and unit is not None:
        panels.append(
            RolePanel(
                "editor",
                "信息员工作台",
                [_drafts(user), _due_section(columns_due(unit_columns(unit)), "我负责的栏目")],
                order=10,
            )
        )
    return panels


def construct_panels(request, panels) -> None:
    """The ``construct_homepage_panels`` hook: the role panels first (Wagtail's page counts are dropped
    for these roles by the ``construct_homepage_summary_items`` hook)."""
    user = request.user
    panels[:0] = role_panels(user)
