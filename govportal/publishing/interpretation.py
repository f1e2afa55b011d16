"""A policy document and its interpretation (政策解读) go out together, per the profile's
``[review] interpretation`` rule:

- ``hold`` (钦州办法第十三条 "同步推出", 酉阳办法第十五条（五）): a document that needs an interpretation and has
  none published is held after its approval; the moment its interpretation is published, the held
  document is published with it.
- ``warn`` (象山 "文件印发后5个工作日内"): the document is published; the interpretation is due within the
  profile's working days after the document was issued (its 成文日期), and its unit is reminded.

Which documents need one: policy documents (``portal.PolicyDocumentPage``) of the genres the profile lists.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from govportal.accounts.models import CONTENT_ROLES, Unit
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify
from govportal.portal.calendar import workday_calendar
from govportal.portal.models import InterpretationPage, PolicyDocumentPage
from govportal.rules.profile import profile_section

from .models import InterpretationDue
from .publication import item_unit_id


def rule(locality: str) -> dict:
    return dict(profile_section(locality, "review").get("interpretation") or {})


def needs_interpretation(page, locality: str) -> bool:
    if not isinstance(page, PolicyDocumentPage):
        return False
    r = rule(locality)
    if not r.get("mode"):
        return False
    genres = r.get("genres")
    return not genres or page.genre in genres


def published_interpretation(document):
    return (
        InterpretationPage.objects.live().filter(policy_id=document.pk).order_by("first_published_at").first()
    )


def status_text(page, locality: str) -> str:
    """One sentence for the review page of a policy document (empty when no rule applies)."""
    if not needs_interpretation(page, locality):
        return ""
    r = rule(locality)
    if published_interpretation(page) is not None:
        return "本文件的政策解读已发布，审核通过后同步关联。"
    if r["mode"] == InterpretationDue.HOLD:
        return f"本文件须同步发布政策解读（{r.get('article', '')}）。目前尚无已发布的解读：审核通过后文件暂缓发布，待解读审核通过后同步发布。"
    days = r.get("due_workdays")
    when = f"印发后 {days} 个工作日内" if days else "及时"
    return f"本文件须{when}发布政策解读（{r.get('article', '')}），发布后将提醒起草单位。"


def _unit(page):

    unit_id = item_unit_id(page)
    return Unit.objects.filter(pk=unit_id).first() if unit_id else None


def hold(page, revision, locality: str) -> InterpretationDue:
    """Keep an approved document back until its interpretation is published."""
    r = rule(locality)
    due, _ = InterpretationDue.objects.update_or_create(
        document=page,
        defaults={
            "locality": locality,
            "unit": _unit(page),
            "mode": InterpretationDue.HOLD,
            "article": r.get("article", ""),
            "held_revision": revision,
            "satisfied_at": None,
            "interpretation": None,
        },
    )
    remind(due, first=True)
    return due


def should_hold(page, locality: str) -> bool:
    return (
        needs_interpretation(page, locality)
        and rule(locality).get("mode") == InterpretationDue.HOLD
        and published_interpretation(page) is None
    )


def track_published_document(page, locality: str) -> InterpretationDue | None:
    """A document needing an interpretation went live (warn mode): start the clock, or note it is satisfied."""
    if not needs_interpretation(page, locality):
        return None
    r = rule(locality)
    existing = InterpretationDue.objects.filter(document=page).first()
    interp = published_interpretation(page)
    if existing is not None:
        if interp is not None and existing.satisfied_at is None:
            existing.satisfied_at, existing.interpretation = timezone.now(), interp
            existing.save(update_fields=["satisfied_at", "interpretation"])
        return existing
    due_at = None
    mode = r.get("mode", InterpretationDue.WARN)
    days = r.get("due_workdays")
    if mode == InterpretationDue.HOLD:
        # Published without being held (before this rule applied, or by a path around the review): the
        # interpretation was due with it, so it is overdue from the moment of publication.
        mode, due_at = InterpretationDue.WARN, page.first_published_at or timezone.now()
    elif days:
        start = getattr(page, "date_written", None) or timezone.localtime(page.first_published_at).date()
        day = workday_calendar().add_workdays(start, int(days))
        due_at = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    return InterpretationDue.objects.create(
        document=page,
        locality=locality,
        unit=_unit(page),
        mode=mode,
        article=r.get("article", ""),
        due_at=due_at,
        satisfied_at=timezone.now() if interp else None,
        interpretation=interp,
    )


def interpretation_published(interp) -> None:
    """An interpretation went live: satisfy its document's due, and publish a held document with it."""
    if not interp.policy_id:
        return
    due = InterpretationDue.objects.filter(document_id=interp.policy_id, satisfied_at__isnull=True).first()
    if due is None:
        return
    due.satisfied_at, due.interpretation = timezone.now(), interp
    due.save(update_fields=["satisfied_at", "interpretation"])
    if due.mode == InterpretationDue.HOLD and due.held_revision_id and not due.document.live:
        due.held_revision.publish(user=None, skip_permission_checks=True)


def remind(due: InterpretationDue, first: bool = False, now=None) -> bool:
    from django.urls import reverse

    now = now or timezone.now()
    doc = due.document
    if due.mode == InterpretationDue.HOLD:
        title = f"须同步发布政策解读：{doc.title}"
        body = f"《{doc.title}》已审核通过，但须与政策解读同步发布（{due.article}），目前暂缓发布。请尽快起草解读并提交审核，解读发布时文件同步发布。"
    else:
        overdue = due.due_at is not None and now > due.due_at
        title = f"{'政策解读已超期' if overdue else '请补充政策解读'}：{doc.title}"
        when = f"期限 {timezone.localtime(due.due_at):%Y-%m-%d}" if due.due_at else "请及时发布"
        body = f"《{doc.title}》已发布，须发布政策解读（{due.article}），{when}。"
    recipients = list(staff_of([due.unit], CONTENT_ROLES)) if due.unit else []
    if not recipients:
        return False
    notify(recipients, "interpretation", title, body, reverse("publishing_interpretations"))
    due.last_reminded_at, due.reminders = now, due.reminders + 1
    due.save(update_fields=["last_reminded_at", "reminders"])
    return True


def send_reminders(now=None) -> str:
    """Daily: remind the units of open dues (held documents, and warn-mode dues within a day or overdue)."""
    now = now or timezone.now()
    sent = 0
    for due in InterpretationDue.objects.filter(satisfied_at__isnull=True).select_related("document", "unit"):
        if due.last_reminded_at and now - due.last_reminded_at < timedelta(hours=23):
            continue
        if due.mode == InterpretationDue.WARN and due.due_at and due.due_at - now > timedelta(days=1):
            continue
        sent += remind(due, now=now)
    return f"发出解读提醒 {sent} 条"


def on_item_published(sender, page, locality: str = "", **kwargs) -> None:
    """``signals.item_published``: an interpretation satisfies its document; a document starts its clock."""
    if isinstance(page, InterpretationPage):
        interpretation_published(page)
    track_published_document(page, locality)
