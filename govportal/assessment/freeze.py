"""What an issued period freezes, and why: the standing :class:`Issue` that covers a computed period, and the
refusal naming the rule (shown by scoring when an adjustment is refused, and by issuing and the views).
Below both ``scoring`` and ``issuing``, which each need it."""

from __future__ import annotations

from django.utils import timezone

from govportal.accounts.models import Role
from govportal.rules.assessment import Rules, compute_kind, periods_within

from . import facts as facts_mod
from .models import Assessment, Issue, IssueState


def role_names(rules: Rules) -> str:
    names = []
    for code in rules.issue_roles:
        try:
            names.append(Role(code).label)
        except ValueError:
            names.append(code)
    return "、".join(names)


def who_may_issue(rules: Rules) -> str:
    """依据《…》第十六条，考核结果由主办单位印发。"""
    return f"依据{rules.cite(rules.issue_article)}，考核结果由{role_names(rules)}印发"


def covering_issue(assessment: Assessment) -> Issue | None:
    """The standing Issue that freezes ``assessment`` (its own period's, or a longer period's around it)."""
    rules = facts_mod.rules_for(assessment.locality)
    for issue in Issue.objects.filter(
        locality=assessment.locality, year=assessment.year, state=IssueState.ISSUED
    ).order_by("issued_at"):
        if assessment.period in periods_within(issue.period, compute_kind(rules)):
            return issue
    return None


def frozen_message(assessment: Assessment) -> str:
    """Why an issued period's scores cannot change, naming the rule and what to do instead."""
    rules = facts_mod.rules_for(assessment.locality)
    issue = covering_issue(assessment)
    when = f"于{timezone.localtime(issue.issued_at):%Y年%m月%d日}" if issue else ""
    what = ""
    if issue is not None:  # a longer period's issue names that period (酉阳's August: the third quarter's)
        inside = "" if issue.period == assessment.period else f"{issue.period.label}，"
        what = f"（{inside}{issue.document_number}）"
    return (
        f"{assessment.period.label}的考核结果已{when}印发{what}，不能再计算或调整。"
        f"{who_may_issue(rules)}；印发后如需更改，须由{role_names(rules)}撤回并印发更正版本。"
    )
