"""Emergencies and public concerns (钦州办法第十四条): each incident's deadlines counted from its event time,
shown counting down on the dashboard, and warnings to the responsible units when one nears or passes.

The hours come from the profile's ``[emergency]`` section; a locality whose regulation sets none uses
the national rule (国办发〔2016〕61号: authoritative information within 5 hours for major emergencies,
a press conference within 24 hours, other public concerns answered within 48 hours) and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from govportal.accounts.models import CONTENT_ROLES, Role, Unit
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify
from govportal.rules.profile import load_profile, profile_section

from .models import Incident, IncidentWarning

NATIONAL = {
    "first_release_hours": 5,
    "press_conference_hours": 24,
    "response_hours": 48,
    "source": "国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知（国办发〔2016〕61号）",
}


@dataclass(frozen=True)
class EmergencyRules:
    first_release_hours: float
    press_conference_hours: float
    response_hours: float
    source: str
    from_profile: bool


def emergency_rules(locality: str) -> EmergencyRules:
    section = profile_section(locality, "emergency")
    if section.get("first_release_hours") is not None:
        regulation = load_profile(locality).regulation
        return EmergencyRules(
            first_release_hours=float(section["first_release_hours"]),
            press_conference_hours=float(
                section.get("press_conference_hours", NATIONAL["press_conference_hours"])
            ),
            response_hours=float(section.get("response_hours", NATIONAL["response_hours"])),
            source=f"《{regulation}》{section.get('article', '第十四条')}",
            from_profile=True,
        )
    return EmergencyRules(
        first_release_hours=NATIONAL["first_release_hours"],
        press_conference_hours=NATIONAL["press_conference_hours"],
        response_hours=NATIONAL["response_hours"],
        source=f"本地区办法未规定时限，按{NATIONAL['source']}",
        from_profile=False,
    )


@dataclass
class Deadline:
    code: str
    label: str
    due: datetime
    done_at: datetime | None
    hours: float

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def late(self) -> bool:
        return (self.done_at or timezone.now()) > self.due

    def remaining(self, now=None) -> timedelta:
        return self.due - (now or timezone.now())

    def state(self, now=None) -> str:
        if self.done:
            return "late" if self.done_at > self.due else "met"
        left = self.remaining(now)
        if left <= timedelta(0):
            return "overdue"
        if left <= timedelta(hours=self.hours) / 4:
            return "soon"
        return "running"

    def remaining_text(self, now=None) -> str:
        if self.done:
            return f"已于 {timezone.localtime(self.done_at):%m-%d %H:%M} 完成" + (
                "（超时）" if self.late else ""
            )
        left = self.remaining(now)
        sign = "已超时 " if left < timedelta(0) else "剩余 "
        seconds = abs(int(left.total_seconds()))
        h, rem = divmod(seconds, 3600)
        return f"{sign}{h} 小时 {rem // 60} 分"


def deadlines(incident: Incident) -> list[Deadline]:
    rules = emergency_rules(incident.locality)
    start = incident.event_time
    out = []
    if incident.kind == Incident.ESPECIALLY_MAJOR:
        out.append(
            Deadline(
                "first_release",
                f"首次发布信息（{rules.first_release_hours:g} 小时内）",
                start + timedelta(hours=rules.first_release_hours),
                incident.first_release_at,
                rules.first_release_hours,
            )
        )
    if incident.heavy_impact:
        out.append(
            Deadline(
                "press_conference",
                f"召开新闻发布会（{rules.press_conference_hours:g} 小时内）",
                start + timedelta(hours=rules.press_conference_hours),
                incident.press_conference_at,
                rules.press_conference_hours,
            )
        )
    if incident.kind != Incident.ESPECIALLY_MAJOR:
        out.append(
            Deadline(
                "response",
                f"发布回应信息（{rules.response_hours:g} 小时内）",
                start + timedelta(hours=rules.response_hours),
                incident.response_at or incident.first_release_at,
                rules.response_hours,
            )
        )
    return out


def open_incidents(locality: str | None = None):
    qs = Incident.objects.filter(closed_at__isnull=True).prefetch_related("units")
    if locality:
        qs = qs.filter(locality=locality)
    return qs


def watchers(incident: Incident):
    """The responsible units' content people and leaders, and the host office of the locality."""

    units = list(incident.units.all())
    host = Unit.objects.filter(locality=incident.locality, role_groups__role=Role.HOST_OFFICE)
    return set(staff_of(units, CONTENT_ROLES)) | set(staff_of(host, [Role.HOST_OFFICE]))


def send_warnings(now=None) -> str:
    from django.urls import reverse

    now = now or timezone.now()
    sent = 0
    for incident in open_incidents():
        rules = emergency_rules(incident.locality)
        for d in deadlines(incident):
            state = d.state(now)
            if state not in ("soon", "overdue"):
                continue
            _, created = IncidentWarning.objects.get_or_create(
                incident=incident, deadline=d.code, level=state
            )
            if not created:
                continue
            title = f"{'已超时' if state == 'overdue' else '即将到期'}：{incident.title} — {d.label}"
            body = (
                f"事件“{incident.title}”（{incident.get_kind_display()}，发生于 "
                f"{timezone.localtime(incident.event_time):%Y-%m-%d %H:%M}）{d.label}，"
                f"期限 {timezone.localtime(d.due):%Y-%m-%d %H:%M}，{d.remaining_text(now)}。依据：{rules.source}。"
            )
            notify(watchers(incident), "emergency", title, body, reverse("publishing_emergencies"))
            sent += 1
    return f"发出提醒 {sent} 条"


def mark_release(page) -> None:
    """When an incident's first-release item is published, record the time."""
    Incident.objects.filter(first_release_page_id=page.pk, first_release_at__isnull=True).update(
        first_release_at=page.first_published_at or timezone.now()
    )


def on_item_published(sender, page, **kwargs) -> None:
    """``signals.item_published``: an incident's first release went live."""
    mark_release(page)
