"""The publication register (造册登记, 钦州办法第二十八条（一）): every document published in the government's
name is numbered and listed with its document number, dates and approval chain; exported to xlsx.

Entries are written when such an item is published (also when a scheduled publication goes live) and
kept when it is withdrawn (with the date and reason).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import WorkflowState

from govportal.exports import titled_table_bytes
from govportal.portal.homes import home_of

from .categories import review_category
from .models import RegisterEntry, ReviewDecision
from .routes import review_rules

HEADERS = [
    "登记号",
    "标题",
    "文号",
    "发布单位",
    "栏目",
    "成文/发布日期",
    "首次上网时间",
    "最近上网时间",
    "上网次数",
    "审批链",
    "网址",
    "状态",
]


def column_path(page, home) -> str:
    if home is None:
        return ""
    titles = page.get_ancestors().filter(depth__gt=home.depth).values_list("title", flat=True)
    return " / ".join(titles)


def approval_chain(page) -> list[dict]:
    """The decisions of the review round that published ``page`` (the latest approved workflow)."""
    state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_APPROVED)
        .order_by("-created_at", "-id")
        .first()
    )
    if state is None:
        return []
    decisions = ReviewDecision.objects.filter(task_state__workflow_state=state, action=ReviewDecision.APPROVE)
    return [
        {
            "stage": d.stage_name,
            "user": d.user_name,
            "unit": d.unit_name,
            "roles": d.role_labels,
            "at": timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
            "checklist": len(d.checklist),
            "comment": d.comment,
        }
        for d in decisions
    ]


def chain_text(chain: list[dict]) -> str:
    return "；".join(f"{c['stage']}：{c['user']}（{c['unit']}）{c['at']}" for c in chain)


def belongs(page, locality: str) -> bool:
    if not hasattr(page, "info_category"):
        return False
    category = review_category(page, locality)
    try:
        return category in review_rules(locality).register_categories
    except Exception:
        return category == "government"


SERIAL_RETRIES = 5


def record_publication(page) -> RegisterEntry | None:
    """Write or refresh the register line of a published item in the government's name.

    A new entry takes the next serial of its locality and year (MAX + 1). Two publications at the same
    moment may read the same MAX: the second insert breaks the unique serial, inside the publication's
    own transaction. Each try therefore runs in a savepoint and, on that conflict, takes the next number
    again instead of aborting the publication."""
    for attempt in range(SERIAL_RETRIES):
        try:
            with transaction.atomic():  # a savepoint when called inside the publication's transaction
                return _record_publication(page)
        except IntegrityError:
            if attempt == SERIAL_RETRIES - 1:
                raise
    return None


def next_serial(locality: str, year: int) -> int:
    last = RegisterEntry.objects.filter(locality=locality, year=year).aggregate(m=Max("serial"))["m"]
    return (last or 0) + 1


def _record_publication(page) -> RegisterEntry | None:
    home = home_of(page)
    if home is None or not belongs(page, home.locality):
        return None
    now = page.last_published_at or timezone.now()
    values = {
        "page": page,
        "title": page.title,
        "document_number": getattr(page, "document_number", "") or "",
        "unit_name": page.unit.name if getattr(page, "unit", None) else "",
        "column_path": column_path(page, home),
        "item_date": getattr(page, "date", None),
        "last_published_at": now,
        "url": page.get_url() or "",
        "approval_chain": approval_chain(page),
        "withdrawn_at": None,
        "withdraw_reason": "",
    }
    entry = RegisterEntry.objects.select_for_update().filter(page_ref=page.pk).first()
    if entry is None:
        year = timezone.localtime(now).year
        return RegisterEntry.objects.create(
            locality=home.locality,
            year=year,
            serial=next_serial(home.locality, year),
            page_ref=page.pk,
            first_published_at=page.first_published_at or now,
            **values,
        )
    for key, value in values.items():
        setattr(entry, key, value)
    entry.publish_count += 1
    entry.save()
    return entry


def record_withdrawal(page, reason: str, when=None) -> None:
    RegisterEntry.objects.filter(page_ref=page.pk).update(
        withdrawn_at=when or timezone.now(), withdraw_reason=reason
    )


def status_of(entry: RegisterEntry) -> str:
    if entry.withdrawn_at:
        return f"已撤回（{timezone.localtime(entry.withdrawn_at):%Y-%m-%d %H:%M}，{entry.withdraw_reason}）"
    return "在网"


def rows(entries) -> list[list[str]]:
    def dt(value, fmt="%Y-%m-%d %H:%M"):
        return timezone.localtime(value).strftime(fmt) if value else ""

    return [
        [
            e.number,
            e.title,
            e.document_number,
            e.unit_name,
            e.column_path,
            dt(e.item_date, "%Y-%m-%d"),
            dt(e.first_published_at),
            dt(e.last_published_at),
            str(e.publish_count),
            chain_text(e.approval_chain),
            e.url,
            status_of(e),
        ]
        for e in entries
    ]


def export_xlsx(entries, title: str) -> bytes:
    # a title such as "=HYPERLINK(…)" stays text: see govportal.exports
    widths = [11, 40, 20, 18, 28, 12, 17, 17, 8, 60, 36, 24]
    return titled_table_bytes("发布登记簿", title, HEADERS, rows(entries), widths)


def on_item_published(sender, page, **kwargs) -> None:
    """``signals.item_published``: the register line of the item (when it is published in the government's name)."""
    record_publication(page)
