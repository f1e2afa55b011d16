"""Security events: one function every app calls (``record``), the signal receivers that feed it, the
retention job and the xlsx export.

Kept at least six months (网络安全法第二十一条：留存相关的网络日志不少于六个月); the retention job deletes
only what is older than that minimum or the profile's longer ``[audit] retention_days``. Nothing in the
back office deletes or edits an event (SecurityEvent refuses it).
"""

from __future__ import annotations

import logging

from django.utils import timezone

from govportal.exports import titled_table_bytes
from govportal.ratelimits import client_ip

from .models import EventKind, SecurityEvent, Unit, retention_cutoff
from .policy import locality_of

logger = logging.getLogger(__name__)

LAW_CITATION = "《中华人民共和国网络安全法》第二十一条"


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


# --- retention ---------------------------------------------------------------------------------------


def purge_expired() -> str:
    """Periodic job: delete events older than every applicable retention period."""

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
    events = events.iterator() if hasattr(events, "iterator") else events
    return titled_table_bytes(
        "安全审计日志", title, HEADERS, (_row(e) for e in events), [20, 18, 16, 16, 28, 10, 16, 60]
    )
