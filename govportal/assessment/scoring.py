"""Computing, adjusting and reading the scores of a period (the Django side of ``rules.assessment``).

The period an assessment is computed for is the profile's finest: ``ledger_period`` when there is a
ledger (酉阳: monthly), else ``notice_period``. A notice or a ranking of a longer period adds up the
computed periods inside it (酉阳's quarterly ranking = its three months; 象山's yearly ranking = its four
quarters), with the base points counted once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govportal.accounts import audit
from govportal.accounts.models import EventKind
from govportal.rules.assessment import Line, Period, Rules, Total, compute_kind, periods_within, score, totals

from . import facts as facts_mod
from .freeze import frozen_message
from .models import Adjustment, Assessment, Issue, IssueState, LineKind, RefType, ScoreLine


def _rule_for_adjustment(rules: Rules, adj: Adjustment):
    return next((r for r in rules.manual_rules() if r.code == adj.rule_code), None) if adj.rule_code else None


def adjustment_points(rules: Rules, adj: Adjustment, cancelled: ScoreLine | None) -> int:
    rule = _rule_for_adjustment(rules, adj)
    if rule is not None:
        return rule.points
    if cancelled is not None:
        return -cancelled.points
    return adj.points


@transaction.atomic
def compute(locality: str, period: Period, *, user=None, today=None) -> Assessment:
    """(Re)compute the lines of ``period``: machine lines are rebuilt from the facts, the administrators'
    adjustments kept and applied again. An issued assessment is not recomputed."""
    rules = facts_mod.rules_for(locality)
    assessment, _ = Assessment.objects.get_or_create(
        locality=locality, period_kind=period.kind, year=period.year, number=period.number
    )
    if assessment.state == "issued":
        return assessment
    units = facts_mod.assessed_units(locality, rules)
    placements = facts_mod.placements(locality, period, units) if rules.counts_items else []
    lines = score(placements, facts_mod.all_facts(locality, period, units, today), rules)
    assessment.lines.all().delete()
    ScoreLine.objects.bulk_create(
        [
            ScoreLine(
                assessment=assessment,
                unit=line.unit,
                points=line.points,
                kind=line.kind,
                code=line.code,
                label=line.label[:500],
                article=line.article,
                ref_type=line.ref_type,
                ref_id=line.ref_id,
                day=line.day,
                criticism=line.criticism,
            )
            for line in lines
        ]
    )
    for adj in assessment.adjustments.all():
        _apply(rules, adj)
    assessment.computed_at = timezone.now()
    assessment.computed_by = user if getattr(user, "pk", None) else None
    assessment.save(update_fields=["computed_at", "computed_by"])
    return assessment


def _apply(rules: Rules, adj: Adjustment) -> ScoreLine:
    cancelled = None
    if adj.cancels_ref_type:
        cancelled = (
            adj.assessment.lines.filter(
                unit=adj.unit,
                ref_type=adj.cancels_ref_type,
                ref_id=adj.cancels_ref_id,
                code=adj.cancels_code,
                adjustment__isnull=True,
            )
            .order_by("id")
            .first()
        )
        if cancelled is not None:
            cancelled.cancelled_by = adj
            cancelled.save(update_fields=["cancelled_by"])
    rule = _rule_for_adjustment(rules, adj)
    if rule is not None:
        label = f"{rule.text}（认定理由：{adj.reason}）"
    elif cancelled is not None:
        label = f"撤销“{cancelled.label}”（理由：{adj.reason}）"
    elif adj.cancels_label:
        label = f"撤销“{adj.cancels_label}”（该计分已不存在；理由：{adj.reason}）"
    else:
        label = f"管理员调整（理由：{adj.reason}）"
    return ScoreLine.objects.create(
        assessment=adj.assessment,
        unit=adj.unit,
        points=adjustment_points(rules, adj, cancelled),
        kind=LineKind.ADJUSTMENT,
        code=adj.rule_code or "adjust",
        label=label[:500],
        article=rule.article if rule else rules.article,
        ref_type=RefType.ADJUSTMENT,
        ref_id=adj.pk,
        day=timezone.localdate(adj.created_at),
        criticism=rule.criticism if rule else "",
        adjustment=adj,
    )


class AssessmentFrozen(Exception):
    """The period's results are issued (印发): the message names the rule and the way to a new version."""


@transaction.atomic
def adjust(
    assessment: Assessment,
    unit,
    *,
    reason: str,
    user,
    points: int = 0,
    rule_code: str = "",
    cancels=None,
    request=None,
):
    """Record an administrator's adjustment (the reason is required), apply it at once, and write who, what
    and why to the security log. An issued period refuses (:class:`AssessmentFrozen`)."""

    reason = (reason or "").strip()
    if not reason:
        raise ValueError("调整分数须写明理由。")
    assessment.refresh_from_db(fields=["state"])
    if assessment.state == "issued":
        raise AssessmentFrozen(frozen_message(assessment))
    adj = Adjustment.objects.create(
        assessment=assessment,
        unit=unit,
        points=points,
        rule_code=rule_code,
        reason=reason,
        created_by=user,
        cancels_ref_type=cancels.ref_type if cancels else "",
        cancels_ref_id=cancels.ref_id if cancels else None,
        cancels_code=cancels.code if cancels else "",
        cancels_label=cancels.label if cancels else "",
    )
    line = _apply(facts_mod.rules_for(assessment.locality), adj)
    what = [f"{line.points:+d}分"]
    if rule_code:
        what.append(f"认定情形“{line.label.split('（认定理由', 1)[0]}”（{line.article}）")
    if cancels is not None:
        what.append(f"撤销计分“{cancels.label}”")
    audit.record(
        EventKind.SCORE_ADJUSTED,
        request=request,
        user=user,
        locality=assessment.locality,
        detail=f"调整{unit.name}{assessment.period.label}考核分数：{'，'.join(what)}；理由：{reason}"[:500],
    )
    return line


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class Standing:
    """The scores of a notice or ranking period: every unit's total and rank, and the lines behind them."""

    locality: str
    period: Period
    rules: Rules
    assessments: list[Assessment]
    missing: list[Period]
    totals: list[Total]
    lines: list[ScoreLine]
    issue: Issue | None = None  # the standing 印发 of this very period, if any

    @property
    def frozen(self) -> bool:
        return any(a.state == "issued" for a in self.assessments)

    def total_of(self, unit) -> Total | None:
        return next((t for t in self.totals if t.unit == unit), None)

    def lines_of(self, unit) -> list[ScoreLine]:
        return [line for line in self.lines if line.unit_id == unit.pk]

    @property
    def complete(self) -> bool:
        return not self.missing


def standing(locality: str, period: Period) -> Standing:
    rules = facts_mod.rules_for(locality)
    kind = compute_kind(rules)
    inside = periods_within(period, kind)
    found = {
        a.period: a
        for a in Assessment.objects.filter(
            locality=locality, period_kind=kind, year=period.year, number__in=[p.number for p in inside]
        )
    }
    assessments = [found[p] for p in inside if p in found]
    missing = [p for p in inside if p not in found]
    lines = list(
        ScoreLine.objects.filter(assessment__in=assessments)
        .select_related("unit", "assessment")
        .order_by("unit__sort_order", "unit_id", "assessment__number", "kind", "day", "id")
    )
    units = facts_mod.assessed_units(locality, rules)
    plain = [
        Line(
            unit=line.unit,
            points=line.points,
            kind=line.kind,
            code=line.code,
            label=line.label,
            article=line.article,
            ref_type=line.ref_type,
            ref_id=line.ref_id,
        )
        for line in lines
    ]
    issue = Issue.objects.filter(
        locality=locality,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        state=IssueState.ISSUED,
    ).first()
    return Standing(locality, period, rules, assessments, missing, totals(units, plain, rules), lines, issue)
