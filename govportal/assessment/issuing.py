"""印发 (issuing) a notice or ranking period: who may, what it freezes, the document it keeps, and the new
version a later change needs.

* Who: the roles of the profile's ``[assessment] issue_roles`` (every shipped profile: the host office,
  who organises the assessment — 象山第十六条, 酉阳第三十三条, 钦州第三十二条, 渭滨第十八条), and the
  platform superuser. A site administrator computes and adjusts but does not issue.
* What: every computed period inside the issued one (酉阳's quarter: its three months) is frozen —
  no recomputation, no adjustment — while an :class:`Issue` covering it stands. The ranking notice as
  issued (docx and PDF) is kept in the Issue; the units' notices are made from the frozen lines with the
  Issue's number and date, so they do not change either.
* A later change: the issuer withdraws the version with a reason (kept, logged); the period is open again;
  the next 印发 is version 2.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govportal.accounts import audit
from govportal.accounts.models import EventKind
from govportal.accounts.permissions import roles_of
from govportal.documents import official_docx, official_pdf
from govportal.rules.assessment import Period, Rules, compute_kind, periods_within

from . import facts as facts_mod
from . import outputs
from .freeze import covering_issue, who_may_issue
from .models import Assessment, AssessmentState, Issue, IssueState
from .scoring import standing


class IssueRefused(Exception):
    """A refusal in Chinese naming the rule."""


def issuable_kinds(rules: Rules) -> list[str]:
    """The periods a notice or a ranking is issued for (酉阳: quarter; 象山: quarter and year)."""
    out = []
    for kind in (rules.notice_period, rules.ranking_period):
        if kind not in out:
            out.append(kind)
    return out


def can_issue(user, rules: Rules) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or bool(roles_of(user) & set(rules.issue_roles))


def live_issue(locality: str, period: Period) -> Issue | None:
    return Issue.objects.filter(
        locality=locality,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        state=IssueState.ISSUED,
    ).first()


def _freeze_state(assessments, state: str, issue: Issue | None) -> None:
    for a in assessments:
        if state == AssessmentState.ISSUED and a.state == AssessmentState.ISSUED:
            continue  # already frozen by an earlier issue (a quarter's notice before the year's ranking)
        a.state = state
        if issue is not None:
            a.issued_at, a.issued_by, a.document_number = (
                issue.issued_at,
                issue.issued_by,
                issue.document_number,
            )
        a.save(update_fields=["state", "issued_at", "issued_by", "document_number"])


@transaction.atomic
def issue(locality: str, period: Period, *, user, document_number: str = "", request=None) -> Issue:
    """印发 ``period``'s results: freeze the computed periods inside it and keep the ranking notice."""
    rules = facts_mod.rules_for(locality)
    if not can_issue(user, rules):
        raise IssueRefused(f"{who_may_issue(rules)}，你的账号不能印发。")
    if period.kind not in issuable_kinds(rules):
        raise IssueRefused(f"{rules.cite()}规定的通报和排名周期中没有{period.label}，不能印发。")
    if live_issue(locality, period):
        raise IssueRefused(f"{period.label}的考核结果已印发；如需更改，请先撤回并印发更正版本。")
    s = standing(locality, period)
    if s.missing:
        raise IssueRefused("、".join(p.label for p in s.missing) + "尚未计算，不能印发不完整的考核结果。")
    previous = Issue.objects.filter(
        locality=locality, period_kind=period.kind, year=period.year, number=period.number
    ).order_by("-version")
    version = (previous.first().version + 1) if previous.exists() else 1
    number = (document_number or "").strip()[:60] or outputs.document_number(rules, period)
    record = Issue(
        locality=locality,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        version=version,
        document_number=number,
        issued_at=timezone.now(),
        issued_by=user if getattr(user, "pk", None) else None,
        public=rules.publish == "public",
    )
    s.issue = record  # the documents carry the issue's number and date
    doc = outputs.ranking_document(s)
    record.docx, record.pdf = official_docx(doc), official_pdf(doc)
    record.save()
    _freeze_state(s.assessments, AssessmentState.ISSUED, record)
    audit.record(
        EventKind.ASSESSMENT_ISSUED,
        request=request,
        user=user,
        locality=locality,
        detail=f"印发{period.label}考核结果（{number}，第{version}版，{len(s.totals)}个单位）",
    )
    return record


@transaction.atomic
def withdraw(record: Issue, *, user, reason: str, request=None) -> None:
    """Withdraw an issued version so the period can be changed and issued again as the next version."""
    rules = facts_mod.rules_for(record.locality)
    if not can_issue(user, rules):
        raise IssueRefused(f"{who_may_issue(rules)}，撤回和更正也由其办理，你的账号不能撤回。")
    reason = (reason or "").strip()
    if not reason:
        raise IssueRefused("撤回已印发的考核结果须写明原因（记入印发记录和安全审计日志）。")
    if record.state != IssueState.ISSUED:
        raise IssueRefused("这一版本已被更正版本取代。")
    record.state = IssueState.SUPERSEDED
    record.superseded_reason = reason[:500]
    record.superseded_at = timezone.now()
    record.superseded_by = user if getattr(user, "pk", None) else None
    record.save(update_fields=["state", "superseded_reason", "superseded_at", "superseded_by"])
    kind = compute_kind(rules)
    inside = periods_within(record.period, kind)
    reopened = [
        a
        for a in Assessment.objects.filter(
            locality=record.locality,
            period_kind=kind,
            year=record.year,
            number__in=[p.number for p in inside],
        )
        if covering_issue(a) is None  # still frozen by another standing issue (e.g. the year's ranking)
    ]
    for a in reopened:
        a.state = AssessmentState.DRAFT
        a.save(update_fields=["state"])
    audit.record(
        EventKind.ASSESSMENT_REVISED,
        request=request,
        user=user,
        locality=record.locality,
        detail=f"撤回{record.period.label}考核结果第{record.version}版（{record.document_number}），"
        f"以便更正后重新印发；原因：{reason}"[:500],
    )
