"""Error reports (纠错, "我为政府网站找错"): submitted from any public page, forwarded by the centre to the
unit responsible for the page within the profile's ``forward_workdays``, answered by that unit within
``handle_workdays`` (002 Art. 21: 1 and 2 working days)."""

from __future__ import annotations

from urllib.parse import urlparse

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify
from govportal.portal.models import ColumnPage, SubsiteHomePage

from . import deadlines
from .models import ErrorReport
from .rules import error_report_rules
from .transitions import ERROR_REPORTS, WorkflowError, fire, step
from .workflow import new_code


def page_for_url(url: str, site: Site | None) -> Page | None:
    """The live page of ``site`` at ``url`` (an absolute URL or a path), if any."""
    if not url or site is None:
        return None
    parsed = urlparse(url)
    path = parsed.path or "/"
    root = site.root_page
    wanted = root.url_path.rstrip("/") + "/" + path.strip("/")
    wanted = wanted.rstrip("/") + "/"
    return Page.objects.filter(url_path=wanted).live().first()


def responsible_unit(page: Page | None):
    """The unit answering for a page: the item's unit, else the nearest column's lead (or only) unit, or the
    sub-site's unit."""
    if page is None:
        return None

    for p in [page.specific, *[a.specific for a in page.get_ancestors(inclusive=False).reverse()]]:
        unit = getattr(p, "unit", None) if not isinstance(p, ColumnPage) else None
        if unit is not None and getattr(p, "unit_id", None):
            return unit
        if isinstance(p, SubsiteHomePage):
            return p.unit
        if isinstance(p, ColumnPage):
            lead = list(p.lead_units.all())
            units = list(p.units.all())
            if len(lead) == 1:
                return lead[0]
            if len(units) == 1:
                return units[0]
            if units:
                return None  # several units keep this column: the centre decides
    return None


def submit(
    *,
    locality: str,
    token_nonce: str,
    page_url: str,
    kind: str,
    description: str,
    name: str = "",
    contact: str = "",
    client_ip: str | None = None,
    site: Site | None = None,
) -> tuple[ErrorReport, bool]:
    existing = ErrorReport.objects.filter(submit_token=token_nonce).first()
    if existing:
        return existing, False
    rules = error_report_rules(locality)
    page = page_for_url(page_url, site)
    unit = responsible_unit(page)
    now = timezone.now()
    for _ in range(5):
        try:
            with transaction.atomic():
                report = ErrorReport.objects.create(
                    locality=locality,
                    code=new_code("JC"),
                    submit_token=token_nonce,
                    page_url=page_url[:500],
                    page=page,
                    unit=unit,
                    kind=kind,
                    description=description.strip(),
                    name=name.strip(),
                    contact=contact.strip(),
                    client_ip=client_ip,
                    received_at=now,
                    forward_due=deadlines.add_workdays(timezone.localdate(now), int(rules.forward_workdays)),
                )
            break
        except IntegrityError:
            again = ErrorReport.objects.filter(submit_token=token_nonce).first()
            if again:
                return again, False
    else:
        raise WorkflowError("系统繁忙，请稍后再提交。您填写的内容已保留。")
    notify(
        deadlines.error_centre_users(locality),
        "error_received",
        f"新的网站纠错 {report.code}：{report.get_kind_display()}，请于 {report.forward_due:%m月%d日} 前转办"
        f"（{rules.cite('article')}）。",
        url=reverse("interaction_admin:error", args=[report.pk]),
    )
    return report, True


# --- handling: who may take each step from which state is the table ``transitions.ERROR_REPORTS`` ---------


def forward(report: ErrorReport, user, unit) -> None:
    fire(report, "forward", user, unit=unit)


@step(ERROR_REPORTS, "forward")
def _forward(report: ErrorReport, user, action: str, unit=None):
    rules = error_report_rules(report.locality)
    if unit is None or unit.locality != report.locality:
        raise WorkflowError("请选择本地区的责任单位。")
    now = timezone.now()
    yield {
        "unit": unit,
        "forwarded_at": now,
        "forwarded_by": user,
        "handle_due": deadlines.add_workdays(timezone.localdate(now), int(rules.handle_workdays)),
        "overdue_notified_on": None,
    }
    notify(
        list(staff_of(unit)),
        "error_forwarded",
        f"网站纠错 {report.code}（{report.get_kind_display()}，页面 {report.page_url}）请于 "
        f"{report.handle_due:%m月%d日} 前处理并回复（{rules.cite('article')}：{rules.handle_workdays}个工作日）。",
        url=reverse("interaction_admin:error", args=[report.pk]),
    )


def answer(report: ErrorReport, user, text: str) -> None:
    fire(report, "answer", user, text=text)


@step(ERROR_REPORTS, "answer")
def _answer(report: ErrorReport, user, action: str, text: str = ""):
    text = (text or "").strip()
    if len(text) < 4:
        raise WorkflowError("请写明处理结果（例如已更正的内容），至少4个字。")
    yield {"answer": text, "answered_at": timezone.now(), "answered_by": user}


def mark_invalid(report: ErrorReport, user, reason: str) -> None:
    fire(report, "invalid", user, reason=reason)


@step(ERROR_REPORTS, "invalid")
def _invalid(report: ErrorReport, user, action: str, reason: str = ""):
    if not (reason or "").strip():
        raise WorkflowError("请写明不予处理的理由（将告知提交人）。")
    yield {"invalid_reason": reason.strip(), "answered_by": user}
