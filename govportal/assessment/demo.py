"""Demo data: the current assessment period of the demo locality computed (so the host office sees a filled
result, ranking and notice at once), this year's responsibility letters generated, and last year's 政府网站
工作年度报表 of the portal published on /nianbao/ from the platform's own figures (the historic letters of the
demo are last year's). Idempotent and quick: what exists already is left as it is (the host office
recomputes a period with one button)."""

from __future__ import annotations

from django.utils import timezone

from govportal.rules.assessment import Period, compute_kind

from . import facts as facts_mod
from .annual import figures
from .annual.models import WebsiteReport
from .letters import generate
from .models import Assessment, ResponsibilityLetter
from .scoring import compute


def prepare(home) -> str:
    locality = home.locality
    rules = facts_mod.rules_for(locality)
    if not rules.from_profile:
        return ""
    today = timezone.localdate()
    period = Period.containing(compute_kind(rules), today)
    said = []
    if not Assessment.objects.filter(
        locality=locality, period_kind=period.kind, year=period.year, number=period.number
    ).exists():
        a = compute(locality, period)
        said.append(f"已计算{period.label}考核（{a.lines.count()}条计分明细）")
    if (
        facts_mod.letter_template(locality)
        and not ResponsibilityLetter.objects.filter(locality=locality, year=today.year).exists()
    ):
        said.append(f"已生成{today.year}年责任书{len(generate(locality, today.year))}份")
    report = _website_report(locality, today.year - 1)
    if report:
        said.append(report)
    return "绩效考核演示数据：" + "；".join(said) + "。" if said else ""


def _website_report(locality: str, year: int) -> str:

    portal = next((s for s in figures.sites_of(locality) if figures.is_portal(s)), None)
    if portal is None or WebsiteReport.objects.filter(site=portal, year=year).exists():
        return ""
    report = WebsiteReport(
        locality=locality,
        site=portal,
        unit=figures.site_unit(portal),
        year=year,
        monitoring_mechanism="是",
        emergency_drill="是",
        security_officer="是",
    )
    report.figures = figures.as_json(figures.website_table(portal, year, report))
    report.published_at = timezone.now()
    report.save()
    return f"已公开{year}年度政府网站工作年度报表（/nianbao/）"
