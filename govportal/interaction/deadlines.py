"""Deadlines in working days, and the job that flags due-soon and overdue items and escalates.

Every deadline is counted with ``govportal.portal.calendar.workday_calendar()`` (official holidays and
make-up working days; the start day is not counted, 民法典 Art. 201).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from govportal.accounts.models import Role
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify
from govportal.portal.calendar import holiday_warning, workday_calendar

from .models import (
    DisclosureRequest,
    DisclosureState,
    ErrorReport,
    ErrorState,
    Letter,
    LetterEvent,
    LetterState,
)
from .rules import disclosure_rules, error_report_rules, letter_rules


def today() -> date:
    return timezone.localdate()


def add_workdays(start: date, n: int) -> date:
    return workday_calendar().add_workdays(start, n)


def remaining_workdays(due: date, on: date | None = None) -> int:
    """Working days left until ``due`` (0 on the due day itself, negative once it has passed)."""
    on = on or today()
    cal = workday_calendar()
    if on <= due:
        return cal.workdays_between(on, due)
    return -cal.workdays_between(due, on)


def workdays_used(start: date, end: date) -> int:
    return workday_calendar().workdays_between(start, end) if end > start else 0


def fallback_warning(start: date, n: int) -> str:
    """The missing-holiday warning (``holiday_warning``) when the period reaches a year without holiday data,
    else ""."""
    return holiday_warning(workday_calendar().add_workdays_checked(start, n).fallback_years)


def letter_due_warning(letter: Letter) -> str:
    """The fallback warning for a letter's current deadline ("" when every year it touches has data)."""
    if not letter.clock_start:
        return ""
    base = letter_rules(letter.locality).type(letter.type).deadline_workdays
    return fallback_warning(letter.clock_start, base + letter.extended_workdays)


def letter_due(letter: Letter) -> date | None:
    if not letter.clock_start:
        return None
    base = letter_rules(letter.locality).type(letter.type).deadline_workdays
    return add_workdays(letter.clock_start, base + letter.extended_workdays)


def deadline_status(due: date | None, done: bool, on: date | None = None, soon: int = 1) -> str:
    """'' (no deadline or done), 'ok', 'soon' or 'overdue'."""
    if not due or done:
        return ""
    left = remaining_workdays(due, on)
    if left < 0:
        return "overdue"
    if left <= soon:
        return "soon"
    return "ok"


# --- who is told ---------------------------------------------------------------------------------------


def centre_users(locality: str) -> list:
    return list(staff_of(roles=[Role.HOTLINE], locality=locality))


def letter_url(letter: Letter) -> str:
    from django.urls import reverse

    return reverse("interaction_admin:letter", args=[letter.pk])


def unit_people(letter: Letter) -> tuple[list, list]:
    """(handlers, leaders) of the lead unit's open order."""
    rules = letter_rules(letter.locality)
    order = letter.orders.filter(is_lead=True, state="open").select_related("unit", "handler").first()
    if order is None:
        return [], []
    handlers = [order.handler] if order.handler else list(staff_of(order.unit, [Role.EDITOR]))
    leaders = list(staff_of(order.unit, rules.reply_approver_roles))
    return handlers, leaders


def claim_flag(obj, field: str, on: date, **also) -> bool:
    """Raise the reminder flag ``field`` (a ``*_notified_on`` date) of ``obj`` once, with one conditional
    UPDATE: True only for the run that raised it. Called inside ``transaction.atomic()`` before the notices
    it stands for, so two runs at once (two machines, or a job retried after its worker was killed) never
    both send, and a run killed before its commit leaves neither flag nor notices (mails go on commit)."""
    taken = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, **{f"{field}__isnull": True})
        .update(**{field: on}, **also)
    )
    if taken:
        setattr(obj, field, on)
        for name, value in also.items():
            setattr(obj, name, value)
    return bool(taken)


# --- the job ------------------------------------------------------------------------------------------


def check_letters(on: date | None = None) -> dict[str, int]:
    on = on or today()
    counts = {"due_soon": 0, "overdue": 0, "approved_waiting": 0}
    letters = Letter.objects.filter(
        state__in=[LetterState.DISPATCHED, LetterState.REVIEW, LetterState.APPROVED],
        due_date__isnull=False,
        concluded_at__isnull=True,
    ).select_related("lead_unit")
    for letter in letters.iterator():
        rules = letter_rules(letter.locality)
        left = remaining_workdays(letter.due_date, on)
        if letter.state == LetterState.APPROVED:
            counts["approved_waiting"] += _flag_approved(letter, left, on, rules)
            continue
        if left < 0 and letter.overdue_notified_on is None:
            with transaction.atomic():
                if not claim_flag(letter, "overdue_notified_on", on, escalated_at=timezone.now()):
                    continue  # another run raised it
                handlers, leaders = unit_people(letter)
                principals = list(staff_of(letter.lead_unit, [Role.PRINCIPAL_LEADER]))
                oversight = list(staff_of(roles=[Role.HOST_OFFICE], locality=letter.locality))
                text = (
                    f"信件 {letter.query_code}「{letter.subject}」已超过办理期限（{letter.due_date:%Y年%m月%d日}），"
                    f"办理单位：{letter.lead_unit or '未定'}。已升级督办，请立即办理并答复"
                    f"（{rules.cite('deadline_article')}）。"
                )
                notify(
                    handlers + leaders + principals + centre_users(letter.locality) + oversight,
                    "overdue",
                    text,
                    url=letter_url(letter),
                    about=letter,
                )
                LetterEvent.objects.create(
                    letter=letter,
                    action="escalated",
                    text="超期未办结，已升级督办（通知单位主要领导、热线中心、主办单位）",
                )
            counts["overdue"] += 1
        elif 0 <= left <= int(rules.due_soon_workdays) and letter.due_soon_notified_on is None:
            with transaction.atomic():
                if not claim_flag(letter, "due_soon_notified_on", on):
                    continue
                handlers, leaders = unit_people(letter)
                when = "今天" if left == 0 else f"还剩 {left} 个工作日"
                text = f"信件 {letter.query_code}「{letter.subject}」即将到期（{letter.due_date:%Y年%m月%d日}，{when}），请抓紧办理。"
                notify(
                    handlers + leaders + centre_users(letter.locality),
                    "due_soon",
                    text,
                    url=letter_url(letter),
                    about=letter,
                )
            counts["due_soon"] += 1
    return counts


def _flag_approved(letter: Letter, left: int, on: date, rules) -> int:
    """A reply approved by the unit's leader reaches the writer only when the centre sends it out: flag the
    centre (and, once overdue, the host office) against the letter's due date."""
    if left < 0 and letter.overdue_notified_on is None:
        with transaction.atomic():
            if not claim_flag(letter, "overdue_notified_on", on):
                return 0
            _approved_overdue(letter, rules)
        return 1
    if 0 <= left <= int(rules.due_soon_workdays) and letter.due_soon_notified_on is None:
        with transaction.atomic():
            if not claim_flag(letter, "due_soon_notified_on", on):
                return 0
            when = "今天" if left == 0 else f"还剩 {left} 个工作日"
            text = (
                f"信件 {letter.query_code}「{letter.subject}」的答复已审核，办理期限 {letter.due_date:%Y年%m月%d日}"
                f"（{when}），请及时发布答复（{rules.cite('deadline_article')}）。"
            )
            notify(
                centre_users(letter.locality),
                "approved_due_soon",
                text,
                url=letter_url(letter),
                about=letter,
            )
        return 1
    return 0


def _approved_overdue(letter: Letter, rules) -> None:
    text = (
        f"信件 {letter.query_code}「{letter.subject}」的答复已经{letter.reply_unit or letter.lead_unit or '办理单位'}"
        f"负责领导审核通过，但尚未发布给来信人，已超过办理期限（{letter.due_date:%Y年%m月%d日}，"
        f"{rules.cite('deadline_article')}）。请立即发布答复。"
    )
    people = centre_users(letter.locality) + list(
        staff_of(roles=[Role.HOST_OFFICE], locality=letter.locality)
    )
    notify(people, "approved_overdue", text, url=letter_url(letter), about=letter)
    LetterEvent.objects.create(
        letter=letter, action="approved_overdue", text="答复已审核但超期未发布，已提醒热线中心和主办单位"
    )


def error_centre_users(locality: str) -> list:
    rules = error_report_rules(locality)
    if rules.forwarded_by:
        from govportal.accounts.models import Unit

        unit = Unit.objects.filter(locality=locality, code=rules.forwarded_by).first()
        return list(staff_of(unit)) if unit else []
    return centre_users(locality)


def check_error_reports(on: date | None = None) -> dict[str, int]:
    from django.urls import reverse

    on = on or today()
    counts = {"error_overdue": 0}
    open_reports = ErrorReport.objects.filter(state__in=[ErrorState.RECEIVED, ErrorState.FORWARDED])
    for report in open_reports.select_related("unit").iterator():
        due = report.forward_due if report.state == ErrorState.RECEIVED else report.handle_due
        if not due or report.overdue_notified_on or remaining_workdays(due, on) >= 0:
            continue
        rules = error_report_rules(report.locality)
        url = reverse("interaction_admin:error", args=[report.pk])
        if report.state == ErrorState.RECEIVED:
            text = f"网站纠错 {report.code} 未在 {rules.forward_workdays} 个工作日内转办（期限 {due:%m月%d日}，{rules.cite('article')}）。"
            people = error_centre_users(report.locality)
        else:
            text = f"网站纠错 {report.code} 未在 {rules.handle_workdays} 个工作日内处理回复（期限 {due:%m月%d日}，{rules.cite('article')}）。"
            people = list(staff_of(report.unit)) + error_centre_users(report.locality)
        with transaction.atomic():
            if not claim_flag(report, "overdue_notified_on", on):
                continue
            notify(people, "error_overdue", text, url=url)
        counts["error_overdue"] += 1
    return counts


def check_disclosures(on: date | None = None) -> dict[str, int]:
    from django.urls import reverse

    on = on or today()
    counts = {"disclosure_due_soon": 0, "disclosure_overdue": 0}
    qs = DisclosureRequest.objects.filter(state=DisclosureState.PROCESSING, due_date__isnull=False)
    for req in qs.select_related("unit").iterator():
        rules = disclosure_rules(req.locality)
        left = remaining_workdays(req.due_date, on)
        url = reverse("interaction_admin:disclosure", args=[req.pk])
        people = list(staff_of(req.unit))
        if left < 0 and req.overdue_notified_on is None:
            with transaction.atomic():
                if not claim_flag(req, "overdue_notified_on", on):
                    continue
                notify(
                    people,
                    "disclosure_overdue",
                    f"依申请公开 {req.code} 已超过答复期限（{req.due_date:%Y年%m月%d日}，{rules.cite('answer_article')}）。",
                    url=url,
                )
            counts["disclosure_overdue"] += 1
        elif 0 <= left <= int(rules.due_soon_workdays) and req.due_soon_notified_on is None:
            with transaction.atomic():
                if not claim_flag(req, "due_soon_notified_on", on):
                    continue
                notify(
                    people,
                    "disclosure_due_soon",
                    f"依申请公开 {req.code} 将于 {req.due_date:%Y年%m月%d日} 到期，请及时答复。",
                    url=url,
                )
            counts["disclosure_due_soon"] += 1
    return counts


def check_unconfirmed_disclosures(on: date | None = None) -> dict[str, int]:
    """The clock cannot be dodged by leaving an application unconfirmed or a correction unanswered: flag
    SUBMITTED requests not confirmed within ``confirm_within_workdays`` of submission (Art. 31) and
    CORRECTION requests whose correction period has passed (Art. 30)."""
    from django.urls import reverse

    on = on or today()
    counts = {"disclosure_unconfirmed": 0, "disclosure_correction_overdue": 0}
    qs = DisclosureRequest.objects.filter(
        state__in=[DisclosureState.SUBMITTED, DisclosureState.CORRECTION], overdue_notified_on__isnull=True
    )
    for req in qs.select_related("unit").iterator():
        rules = disclosure_rules(req.locality)
        url = reverse("interaction_admin:disclosure", args=[req.pk])
        if req.state == DisclosureState.SUBMITTED:
            submitted = timezone.localdate(req.submitted_at)
            due = add_workdays(submitted, int(rules.confirm_within_workdays))
            if remaining_workdays(due, on) >= 0:
                continue
            text = (
                f"依申请公开 {req.code} 于 {submitted:%Y年%m月%d日} 在网上提交，未在 {rules.confirm_within_workdays} "
                f"个工作日内（{due:%Y年%m月%d日} 前）确认收到。网上申请以双方确认之日为收到申请之日"
                f"（{rules.cite('receipt_article')}），请立即确认收到或告知补正。"
            )
            key = "disclosure_unconfirmed"
        else:
            if not req.correction_due or remaining_workdays(req.correction_due, on) >= 0:
                continue
            text = (
                f"依申请公开 {req.code} 的补正期限（{req.correction_due:%Y年%m月%d日}）已过，申请人未补正。"
                f"请按“逾期不补正”答复办结（{rules.cite('correction_article')}）。"
            )
            key = "disclosure_correction_overdue"
        with transaction.atomic():
            if not claim_flag(req, "overdue_notified_on", on):
                continue
            notify(list(staff_of(req.unit)), key, text, url=url)
        counts[key] += 1
    return counts


def check_all(on: date | None = None) -> dict[str, int]:
    """Flag and escalate everything due; safe to run as often as wanted (each flag is raised once)."""
    counts = {}
    counts.update(check_letters(on))
    counts.update(check_error_reports(on))
    counts.update(check_disclosures(on))
    counts.update(check_unconfirmed_disclosures(on))
    return counts


LABELS = {
    "due_soon": "信件即将到期",
    "overdue": "信件超期督办",
    "approved_waiting": "答复待发布超期",
    "error_overdue": "纠错超期",
    "disclosure_due_soon": "依申请公开即将到期",
    "disclosure_overdue": "依申请公开超期",
    "disclosure_unconfirmed": "依申请公开未按时确认收到",
    "disclosure_correction_overdue": "依申请公开补正期限已过",
}


def scheduled_check() -> str:
    """The periodic job (``govportal.publishing.schedule.JOBS``): ``check_all`` with a one-line summary."""
    counts = check_all()
    parts = [f"{LABELS.get(k, k)} {v}" for k, v in counts.items() if v]
    return "；".join(parts) if parts else "没有需要提醒的信件、纠错或依申请公开"


__all__ = [
    "add_workdays",
    "check_all",
    "scheduled_check",
    "deadline_status",
    "letter_due",
    "remaining_workdays",
    "workdays_used",
]
