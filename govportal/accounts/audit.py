"""Security events: one function every app calls (``record``), the signal receivers that feed it, the
retention job and the xlsx export.

Kept at least six months (网络安全法第二十一条：留存相关的网络日志不少于六个月); the retention job deletes
only what is older than that minimum or the profile's longer ``[audit] retention_days``. Nothing in the
back office deletes or edits an event (SecurityEvent refuses it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from govportal.exports import new_workbook, workbook_bytes
from govportal.ratelimits import client_ip
from govportal.rules.profile import profile_section

from .models import EventKind, SecurityEvent

logger = logging.getLogger(__name__)

LAW_CITATION = "《中华人民共和国网络安全法》第二十一条"
MIN_RETENTION_DAYS = 184  # six months, counted at their longest (网络安全法第二十一条)


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    target=None,
    detail: str = "",
    locality: str = "",
):
    """Write one security event. ``user`` is who acted (defaults to the request's user), ``target`` the
    account acted on. Never raises: a failed audit write is logged, not allowed to break the action."""
    try:
        if user is None and request is not None:
            u = getattr(request, "user", None)
            user = u if getattr(u, "is_authenticated", False) else None
        from .policy import locality_of

        who = target if target is not None else user
        unit_name = ""
        staff = getattr(who, "staff", None) if getattr(who, "pk", None) else None
        if staff is not None:
            unit_name = staff.unit.name
            locality = locality or staff.unit.locality
        elif not locality:
            locality = locality_of(who)  # an account outside any unit, or none: the default site's
        return SecurityEvent.objects.create(
            kind=kind,
            user=user if getattr(user, "pk", None) else None,
            username=(username or getattr(user, "username", "") or "")[:150],
            target=target if getattr(target, "pk", None) else None,
            target_name=(getattr(target, "username", "") or "")[:150],
            locality=locality or "",
            unit_name=unit_name[:120],
            ip=client_ip(request),
            detail=detail[:500],
        )
    except Exception:  # pragma: no cover - an audit failure must be seen in the log, not break a login
        logger.exception("security event %s could not be recorded", kind)
        return None


def personal_data_access(request, what: str, *, user=None, exported: bool = False) -> None:
    """For other apps: someone viewed or exported citizens' personal data."""
    record(
        EventKind.PERSONAL_DATA,
        request=request,
        user=user,
        detail=("导出：" if exported else "查看：") + what,
    )


def record_export(request, what: str, rows: int, *, user=None) -> None:
    """For every export of personal data: who (the request's user), when, from where, what and how many
    rows, in the security log (网络安全法第二十一条)."""
    record(EventKind.PERSONAL_DATA, request=request, user=user, detail=f"导出：{what}，共 {rows} 行")


def guard_wagtail_exports() -> None:
    """Wagtail's own report exports (site history, workflows, locked and ageing pages: staff names) and form
    submissions go through ``SpreadsheetExportMixin.as_spreadsheet``: there they are refused to roles the
    profile does not allow and logged like ours. Called once from ``AccountsConfig.ready``."""
    from django.core.exceptions import PermissionDenied
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.as_spreadsheet
    if getattr(original, "_govportal_guarded", False):
        return

    def personal(view) -> bool:
        from wagtail.admin.views.reports.base import ReportView

        module = type(view).__module__
        return isinstance(view, ReportView) or module.startswith("wagtail.contrib.forms")

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not personal(self):
            return original(self, queryset, spreadsheet_format)
        from .policy import locality_of
        from .staffing import can_export_personal_data, export_refusal

        request = self.request
        locality = locality_of(request.user)
        if not can_export_personal_data(request.user, locality):
            raise PermissionDenied(export_refusal(locality))
        rows = len(queryset) if isinstance(queryset, list | tuple) else queryset.count()
        title = str(getattr(self, "page_title", "") or type(self).__name__)
        record_export(request, f"{title}（{str(spreadsheet_format).upper()}）", rows)
        return original(self, queryset, spreadsheet_format)

    as_spreadsheet._govportal_guarded = True
    SpreadsheetExportMixin.as_spreadsheet = as_spreadsheet


# --- retention ---------------------------------------------------------------------------------------


def retention_days(locality: str = "") -> int:
    wanted = 0
    if locality:
        try:
            wanted = int(profile_section(locality, "audit").get("retention_days") or 0)
        except (TypeError, ValueError):
            wanted = 0
    return max(MIN_RETENTION_DAYS, wanted)


def retention_cutoff(locality: str = ""):
    return timezone.now() - timedelta(days=retention_days(locality))


def purge_expired() -> str:
    """Periodic job: delete events older than every applicable retention period."""
    from .models import Unit

    localities = set(Unit.objects.values_list("locality", flat=True).distinct()) | {""}
    cutoff = min(retention_cutoff(loc) for loc in localities)
    count, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return f"删除 {count} 条 {timezone.localtime(cutoff):%Y-%m-%d} 以前的安全审计日志"


# --- export ------------------------------------------------------------------------------------------

HEADERS = ["时间", "事件", "账号", "对象", "单位", "地区", "来源地址", "详情"]


def _row(e: SecurityEvent) -> list:
    return [
        f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
        e.get_kind_display(),
        e.username,
        e.target_name,
        e.unit_name,
        e.locality,
        e.ip or "",
        e.detail,
    ]


def export_xlsx(events, title: str) -> bytes:
    """The events as an .xlsx; formula-looking text is neutralised by ``govportal.exports``."""
    from openpyxl.styles import Font

    wb = new_workbook()
    ws = wb.active
    ws.title = "安全审计日志"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for e in events.iterator() if hasattr(events, "iterator") else events:
        ws.append(_row(e))
    for letter, width in zip("ABCDEFGH", [20, 18, 16, 16, 28, 10, 16, 60], strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)
