"""What waits for a person in the back office: the lines of the dashboard panel."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from govportal.accounts.permissions import roles_of, unit_of
from govportal.notices.notifications import unread_count

from . import deadlines
from .models import (
    DisclosureRequest,
    DisclosureState,
    ErrorReport,
    ErrorState,
    Extension,
    ExtensionState,
    Letter,
    LetterState,
    OrderState,
    WorkOrder,
)
from .permissions import centre_locality, error_centre_locality, is_unit_staff
from .rules import letter_rules


def due_lines(user) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    today = deadlines.today()
    unread = unread_count(user)
    if unread:
        lines.append((reverse("notices"), f"未读提醒 {unread} 条"))
    loc = centre_locality(user)
    if loc:
        centre = reverse("interaction_admin:centre")
        letters = Letter.objects.filter(locality=loc)
        n = letters.filter(state=LetterState.RECEIVED).count()
        held = letters.filter(state=LetterState.RECEIVED).exclude(hold_reason="").count()
        if n:
            lines.append(
                (
                    centre + "?state=received",
                    f"待分拣来信 {n} 件" + (f"（其中待核验 {held} 件）" if held else ""),
                )
            )
        for state, label in (
            (LetterState.RETURNED, "被退回待重新派单"),
            (LetterState.APPROVED, "答复待发布"),
        ):
            n = letters.filter(state=state).count()
            if n:
                lines.append((centre + f"?state={state}", f"{label} {n} 件"))
        n = Extension.objects.filter(letter__locality=loc, state=ExtensionState.PENDING).count()
        if n:
            lines.append((centre + "?state=extension", f"延期申请待审批 {n} 件"))
        n = letters.filter(
            state__in=[LetterState.DISPATCHED, LetterState.REVIEW, LetterState.APPROVED],
            due_date__lt=today,
            concluded_at__isnull=True,
        ).count()
        if n:
            lines.append((centre + "?due=overdue", f"超期未答复 {n} 件"))
    unit = unit_of(user)
    if unit and is_unit_staff(user):
        mine = reverse("interaction_admin:unit")
        orders = WorkOrder.objects.filter(unit=unit, state=OrderState.OPEN)
        n = orders.count()
        if n:
            lines.append((mine, f"本单位待办工单 {n} 件"))
        n = orders.filter(letter__due_date__lt=today, letter__answered_at__isnull=True).count()
        if n:
            lines.append((mine + "?due=overdue", f"本单位超期工单 {n} 件"))
        if roles_of(user) & set(letter_rules(unit.locality).reply_approver_roles):
            n = Letter.objects.filter(lead_unit=unit, state=LetterState.REVIEW).count()
            if n:
                lines.append((mine, f"答复待您审核 {n} 件"))
        n = DisclosureRequest.objects.filter(unit=unit).exclude(state=DisclosureState.ANSWERED).count()
        if n:
            lines.append((reverse("interaction_admin:disclosures"), f"依申请公开办理中 {n} 件"))
        n = ErrorReport.objects.filter(unit=unit, state=ErrorState.FORWARDED).count()
        if n:
            lines.append((reverse("interaction_admin:errors"), f"网站纠错待处理 {n} 条"))
    eloc = error_centre_locality(user)
    if eloc:
        n = ErrorReport.objects.filter(locality=eloc, state=ErrorState.RECEIVED).count()
        if n:
            lines.append((reverse("interaction_admin:errors") + "?state=received", f"网站纠错待转办 {n} 条"))
    return lines


# --- the letter sections of the portal's role panels (registered in InteractionConfig.ready) -------------


def unit_letters_section(unit) -> dict:
    """本单位的来信办理期限: the unit's open work orders, nearest deadline first."""
    orders = (
        WorkOrder.objects.filter(unit=unit, state=OrderState.OPEN)
        .select_related("letter")
        .order_by("letter__due_date")[:8]
    )
    today = timezone.localdate()
    rows = []
    for o in orders:
        due = o.letter.due_date
        note = f"办理期限 {due:%Y年%-m月%-d日}" if due else "期限待定"
        rows.append(
            {
                "url": reverse("interaction_admin:letter", args=[o.letter_id]),
                "text": f"{o.letter.type_name}：{o.letter.subject}",
                "note": note + ("（已超期）" if due and due < today else ""),
                "warn": bool(due and due <= today + timedelta(days=2)),
            }
        )
    return {"heading": "本单位的来信办理期限", "rows": rows, "empty": "本单位没有在办的来信。"}


def open_letters_by_unit(locality: str) -> dict[int, list[int]]:
    """{unit pk: [open letters, of which past their deadline]} in ``locality``."""
    today = timezone.localdate()
    open_orders = WorkOrder.objects.filter(unit__locality=locality, state=OrderState.OPEN).select_related(
        "letter"
    )
    letters: dict[int, list[int]] = {}
    for o in open_orders:
        pair = letters.setdefault(o.unit_id, [0, 0])
        pair[0] += 1
        if o.letter.due_date and o.letter.due_date < today:
            pair[1] += 1
    return letters


def todays_letters_section(user) -> dict:
    """今日来信: the letters the hotline centre received today."""
    locality = centre_locality(user)
    start = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    letters = Letter.objects.filter(locality=locality, received_at__gte=start).order_by("-received_at")
    rows = [
        {
            "url": reverse("interaction_admin:letter", args=[lt.pk]),
            "text": f"{timezone.localtime(lt.received_at):%H:%M} {lt.type_name}：{lt.subject}",
            "note": lt.get_state_display(),
        }
        for lt in letters[:15]
    ]
    return {"heading": f"今日来信（{letters.count()} 件）", "rows": rows, "empty": "今天还没有来信。"}
