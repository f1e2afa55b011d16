"""The public page of issued results, only where the profile's ``[assessment] publish`` is "public" (every
shipped profile says "internal": there these URLs answer 404 and nothing of the assessment is public).
Only an issued (印发) version is shown, and only the ranking — never a draft, a unit's lines or a finding."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from govportal import documents as docs
from govportal.interaction.views import site_locality
from govportal.rules.assessment import AssessmentRuleError, Period

from . import facts as facts_mod
from . import outputs
from .models import Issue, IssueState
from .scoring import standing


def _public(request):
    _site, home, locality = site_locality(request)
    rules = facts_mod.rules_for(locality)
    if rules.publish != "public":
        raise Http404("本地区的考核结果不向社会公开")
    return home, locality, rules


def _issue(locality: str, kind: str, year: int, number: int) -> Issue:
    try:
        Period(kind, year, number)
    except AssessmentRuleError as exc:
        raise Http404(str(exc)) from exc
    issue = Issue.objects.filter(
        locality=locality,
        period_kind=kind,
        year=year,
        number=number,
        state=IssueState.ISSUED,
        public=True,
    ).first()
    if issue is None:
        raise Http404("该期考核结果尚未印发公开")
    return issue


def index(request):
    home, locality, rules = _public(request)
    issues = Issue.objects.filter(locality=locality, state=IssueState.ISSUED, public=True)
    return render(request, "assessment/public/index.html", {"issues": issues, "rules": rules, "home": home})


def period(request, kind: str, year: int, number: int):

    home, locality, rules = _public(request)
    issue = _issue(locality, kind, year, number)
    s = standing(locality, issue.period)
    return render(
        request,
        "assessment/public/period.html",
        {"issue": issue, "s": s, "rows": outputs.ranking_rows(s), "rules": rules, "home": home},
    )


def pdf(request, kind: str, year: int, number: int):
    _home, locality, _rules = _public(request)
    issue = _issue(locality, kind, year, number)
    return docs.bytes_response(issue.pdf, f"{issue.period.label}考核结果通报.pdf")
