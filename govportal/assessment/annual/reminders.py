"""The reminder ahead of the annual reports' deadlines (periodic job ``annual_report_reminders`` in
``govportal.publishing.schedule.JOBS``).

From ``remind_workdays`` working days before a deadline until the deadline itself, every report of the year
just ended that is not yet published gets one reminder (a back-office notice and an e-mail through
``govportal.notices.notifications.notify``): a department's staff for its disclosure report, the host
office and site administrators for the government's report and the portal's website report, a sub-site's
unit for its website report. Each report is reminded once (``reminded_on``).
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from govportal.accounts.models import CONTENT_ROLES, Role, Unit
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify
from govportal.portal.models import HomePage

from . import figures
from .models import DisclosureReport, WebsiteReport
from .rules import annual_rules

OVERSIGHT = (Role.HOST_OFFICE, Role.SITE_ADMIN)


def _people(locality: str, unit=None, roles=()):
    return list(staff_of(unit, roles, locality=locality))


def _in_window(rules, kind: str, year: int, on: date) -> bool:
    remind, _ = rules.remind_on(kind, year)
    return remind <= on <= rules.due(kind, year)


def remind(on: date | None = None) -> dict[str, int]:
    on = on or timezone.localdate()
    year = on.year - 1
    sent = {"website": 0, "department": 0, "government": 0}
    for locality in HomePage.objects.exclude(locality="").values_list("locality", flat=True):
        rules = annual_rules(locality)
        if _in_window(rules, "website", year, on):
            due = rules.due("website", year)
            for site in figures.sites_of(locality):
                unit = None if figures.is_portal(site) else figures.site_unit(site)
                report, _ = WebsiteReport.objects.get_or_create(
                    site_id=site.pk, year=year, defaults={"locality": locality, "unit": unit}
                )
                if report.published_at or report.reminded_on:
                    continue
                people = (
                    _people(locality, unit, CONTENT_ROLES) if unit else _people(locality, roles=OVERSIGHT)
                )
                title = f"{site.title}{year}年度政府网站工作年度报表须在{due:%Y年%-m月%-d日}前公开"
                body = f"依据{rules.website_cite}。请核对平台统计的数据，填报其余项目后在网站首页公开。"
                url = reverse("annual_admin:website", args=[site.pk, year])
                if notify(people, "annual_report", title, body, url=url):
                    sent["website"] += 1
                    report.reminded_on = on
                    report.save(update_fields=["reminded_on"])
        for kind in ("department", "government"):
            if not _in_window(rules, kind, year, on):
                continue
            due = rules.due(kind, year)
            owners = (
                [None]
                if kind == "government"
                else list(Unit.objects.filter(locality=locality, kind__in=("department", "town")))
            )
            for unit in owners:
                report = DisclosureReport.objects.filter(locality=locality, unit=unit, year=year).first()
                if report is None:
                    report = DisclosureReport.objects.create(locality=locality, unit=unit, year=year)
                if report.published_at or report.reminded_on:
                    continue
                people = (
                    _people(locality, unit, CONTENT_ROLES) if unit else _people(locality, roles=OVERSIGHT)
                )
                title = f"{report.owner_name}{year}年政府信息公开工作年度报告须在{due:%Y年%-m月%-d日}前公布"
                body = f"依据{rules.disclosure_cite}。表二、表三已由平台统计，请完成文字部分和表四后公布。"
                url = reverse("annual_admin:disclosure", args=[str(unit.pk) if unit else "gov", year])
                if notify(people, "annual_report", title, body, url=url):
                    sent[kind] += 1
                    report.reminded_on = on
                    report.save(update_fields=["reminded_on"])
    return sent


def scheduled_remind() -> str:
    sent = remind()
    return f"网站年度报表提醒 {sent['website']} 份，部门信息公开年报提醒 {sent['department']} 份，本级政府年报提醒 {sent['government']} 份"
