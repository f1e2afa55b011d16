"""Responsibility letters (网站内容保障责任书, 钦州办法第三十条、附件2).

Each year every assessed unit gets a letter generated from the profile's ``[annual_letter]`` template,
with the columns it answers for and its people (``accounts.UnitResponsibility``: 第一责任人, 直接责任人,
网站管理员). It is signed when its scan is uploaded (judged by content, ``security.uploads``). When the
unit head (第一责任人) changes, the letter in force is superseded and a new one is due (附件2 第十条: 当单位
负责人发生变动时 … 重新签订责任书) within ``resign_workdays`` working days (the platform's choice: 10).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from govportal.accounts.models import Role, UnitResponsibility
from govportal.accounts.staffing import staff_of
from govportal.portal.calendar import workday_calendar
from govportal.portal.models import ColumnPage

from . import facts as facts_mod
from .models import LetterState, ResponsibilityLetter

RESIGN_WORKDAYS = 10


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def people_of(unit) -> tuple[object | None, dict[str, str]]:
    """The unit head (第一责任人) and the people named in the letter."""

    resp = (
        UnitResponsibility.objects.filter(unit=unit)
        .select_related("first_responsible", "direct_responsible", "site_administrator")
        .first()
    )
    head = resp.first_responsible if resp else None
    if head is None:  # no record yet: the unit's principal leader, if it has exactly one
        leaders = list(staff_of(unit, [Role.PRINCIPAL_LEADER]))
        head = leaders[0] if len(leaders) == 1 else None
    people = {"第一责任人（单位主要负责人）": _name(head) or "（未明确）"}
    if resp is not None:
        people["直接责任人（分管领导）"] = _name(resp.direct_responsible) or "（未明确）"
        people["网站管理员"] = _name(resp.site_administrator) or "（未明确）"
    return head, people


def columns_of(unit) -> list[str]:
    """The unit's columns by their place on the site (“政务公开／通知公告”): two columns of one name in two
    channels are told apart."""
    from wagtail.models import Page

    columns = list(
        ColumnPage.objects.filter(units=unit, live=True).order_by("path").values_list("path", "title")
    )
    steps = Page.steplen
    # the titles of every page between the site's home (depth 2) and each column, in one query
    prefixes = {path[:i] for path, _ in columns for i in range(3 * steps, len(path), steps)}
    titles = dict(Page.objects.filter(path__in=prefixes).values_list("path", "title"))
    out = []
    for path, title in columns:
        above = [titles[path[:i]] for i in range(3 * steps, len(path), steps) if path[:i] in titles]
        out.append("／".join([*above, title]))
    return out


def due_for(locality: str, year: int) -> datetime.date:
    tpl = facts_mod.letter_template(locality) or {}
    month, day = (int(x) for x in str(tpl.get("due", "03-31")).split("-"))
    return datetime.date(year, month, day)


def resign_due(changed_on: datetime.date) -> datetime.date:
    return workday_calendar().add_workdays(changed_on, RESIGN_WORKDAYS)


def current(unit, year: int) -> ResponsibilityLetter | None:
    return (
        ResponsibilityLetter.objects.filter(unit=unit, year=year)
        .exclude(state=LetterState.SUPERSEDED)
        .order_by("-generated_at", "-id")
        .first()
    )


@transaction.atomic
def refresh_unit(unit, year: int, *, user=None, today: datetime.date | None = None) -> ResponsibilityLetter:
    """Make sure ``unit`` has a letter in force for ``year`` with its present head; a head change
    supersedes the letter in force and generates a new one."""
    today = today or timezone.localdate()
    head, people = people_of(unit)
    letter = current(unit, year)
    if letter is not None and letter.head_id == (head.pk if head else None):
        if letter.state == LetterState.PENDING:  # not signed yet: keep it up to date
            letter.people, letter.columns, letter.head_name = people, columns_of(unit), _name(head)
            letter.save(update_fields=["people", "columns", "head_name"])
        return letter
    # the yearly date (附件2: signed every year), or — for a letter first made after it (a unit added, the
    # platform installed late in the year) — the same 10 working days a re-signing gets: never overdue at birth
    due = max(due_for(unit.locality, year), resign_due(today))
    if letter is not None:
        letter.state = LetterState.SUPERSEDED
        letter.superseded_reason = f"单位负责人由{letter.head_name or '（未明确）'}变更为{_name(head) or '（未明确）'}（{today:%Y-%m-%d}），须重新签订"
        letter.save(update_fields=["state", "superseded_reason"])
    return ResponsibilityLetter.objects.create(
        locality=unit.locality,
        unit=unit,
        year=year,
        head=head,
        head_name=_name(head),
        columns=columns_of(unit),
        people=people,
        due_date=due,
        generated_by=user if getattr(user, "pk", None) else None,
    )


def generate(locality: str, year: int, *, user=None) -> list[ResponsibilityLetter]:
    return [refresh_unit(u, year, user=user) for u in facts_mod.assessed_units(locality)]


def overdue(locality: str, today: datetime.date | None = None) -> list[ResponsibilityLetter]:
    today = today or timezone.localdate()
    return list(
        ResponsibilityLetter.objects.filter(locality=locality, state=LetterState.PENDING, due_date__lt=today)
        .select_related("unit")
        .order_by("due_date", "unit__sort_order")
    )


def head_changed(unit) -> None:
    """Called when a unit's 第一责任人 is saved: a letter of this year in force with another head is
    superseded and a new one generated."""
    if not facts_mod.letter_template(unit.locality):
        return
    year = timezone.localdate().year
    letter = current(unit, year)
    if letter is None:
        return
    head, _people = people_of(unit)
    if letter.head_id != (head.pk if head else None):
        refresh_unit(unit, year)


@transaction.atomic
def attach_scan(letter: ResponsibilityLetter, upload, *, user, signed_on: datetime.date) -> None:
    """Store the signed scan (already judged by ``security.uploads.check_upload``) and mark it signed."""
    letter.scan_name = upload.name[:200]
    letter.scan.save(upload.name, upload, save=False)
    letter.state = LetterState.SIGNED
    letter.signed_on = signed_on
    letter.uploaded_by = user
    letter.uploaded_at = timezone.now()
    letter.save()
