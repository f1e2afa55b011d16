"""Back-office pages under 绩效考核: the periods, the ranking, a unit's lines with their sources, the
adjustments, the documents, and the responsibility letters."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govportal import documents as docs
from govportal.accounts.models import Unit
from govportal.accounts.permissions import unit_of
from govportal.exports import XLSX_CONTENT_TYPE
from govportal.monitoring.models import TextScanFinding
from govportal.rules.assessment import PERIODS, AssessmentRuleError, Period, compute_kind, periods_within
from govportal.security.uploads import UploadRefused, check_upload
from govportal.security.uploads import kind as upload_kind

from . import facts as facts_mod
from . import freeze, issuing, outputs
from . import letters as letters_mod
from . import permissions as perms
from .models import Assessment, Issue, LetterState, LineKind, RefType, ResponsibilityLetter, ScoreLine
from .scoring import AssessmentFrozen, adjust, compute, standing

PERIOD_NAMES = {"month": "月度", "quarter": "季度", "year": "年度"}


def _period(kind: str, year: int, number: int) -> Period:
    if kind not in PERIODS:
        raise Http404("未知的考核周期")
    try:
        return Period(kind, year, number)
    except AssessmentRuleError as exc:
        raise Http404(str(exc)) from exc


def _entry(request):
    if not perms.can_enter(request.user):
        return None, perms.refuse(request, what="绩效考核")
    return perms.locality_of(request.user), None


def _periods_of_year(rules, year: int, today: datetime.date) -> list[dict]:
    kinds = []
    for kind in (rules.ledger_period, rules.notice_period, rules.ranking_period):
        if kind and kind not in kinds:
            kinds.append(kind)
    out = []
    for kind in kinds:
        top = {"month": 12, "quarter": 4, "year": 1}[kind]
        for n in range(1, top + 1):
            p = Period(kind, year, n)
            if p.start > today:
                break
            out.append({"period": p, "kind_name": PERIOD_NAMES[kind]})
    return out


def _source_url(line: ScoreLine) -> str:
    """The back-office page of what made the line."""
    try:
        if line.ref_type in (RefType.PAGE, RefType.COLUMN) and line.ref_id:
            return reverse("wagtailadmin_pages:edit", args=[line.ref_id])
        if line.ref_type == RefType.FINDING and line.ref_id:
            f = TextScanFinding.objects.filter(pk=line.ref_id).only("page_id").first()
            return reverse("wagtailadmin_pages:edit", args=[f.page_id]) if f else ""
        if line.ref_type == RefType.LETTER and line.ref_id:
            return reverse("interaction_admin:letter", args=[line.ref_id])
    except Exception:  # a page the URLconf does not have: no link rather than an error
        return ""
    return ""


def index(request):
    locality, refused = _entry(request)
    if refused:
        return refused
    rules = facts_mod.rules_for(locality)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    computed = {
        a.period: a
        for a in Assessment.objects.filter(locality=locality, year=year, period_kind=compute_kind(rules))
    }
    rows = []
    for row in _periods_of_year(rules, year, today):
        p = row["period"]
        inside = periods_within(p, compute_kind(rules))
        row["computed"] = [q for q in inside if q in computed]
        row["missing"] = [q for q in inside if q not in computed and q.start <= today]
        row["computable"] = p.kind == compute_kind(rules)
        row["assessment"] = computed.get(p)
        rows.append(row)
    return render(
        request,
        "assessment/index.html",
        {
            "title": "绩效考核",
            "rules": rules,
            "year": year,
            "years": list(range(today.year, today.year - 4, -1)),
            "rows": rows,
            "manager": perms.is_manager(request.user),
            "my_unit": unit_of(request.user),
            "notice_name": PERIOD_NAMES[rules.notice_period],
            "ledger_name": PERIOD_NAMES.get(rules.ledger_period, ""),
            "ranking_name": PERIOD_NAMES[rules.ranking_period],
            "compute_name": PERIOD_NAMES[compute_kind(rules)],
        },
    )


@require_POST
def compute_view(request):
    locality, refused = _entry(request)
    if refused:
        return refused
    if not perms.is_manager(request.user):
        return perms.refuse(request, what="计算考核分数")
    try:
        period = _period(
            request.POST.get("kind", ""), int(request.POST.get("year")), int(request.POST.get("number"))
        )
    except (TypeError, ValueError):
        raise Http404("考核周期不正确") from None
    a = compute(locality, period, user=request.user)
    if a.state == "issued":
        messages.warning(request, freeze.frozen_message(a))
    else:
        messages.success(request, f"已计算{period.label}的考核分数（{a.lines.count()}条计分明细）。")
    return redirect(reverse("assessment_admin:period", args=[period.kind, period.year, period.number]))


def period_view(request, kind, year, number):
    locality, refused = _entry(request)
    if refused:
        return refused
    period = _period(kind, year, number)
    if not perms.is_manager(request.user):
        mine = unit_of(request.user)
        return redirect(reverse("assessment_admin:unit", args=[kind, year, number, mine.pk]))
    s = standing(locality, period)
    problems = outputs.problem_counts(s)
    chart = {
        "title": f"{period.label}考核得分",
        "labels": [t.unit.name for t in s.totals],
        "values": [t.total for t in s.totals],
    }
    if not any(chart["values"]):  # no points (钦州) or nothing scored yet: the problems found per unit
        ordered = sorted(s.totals, key=lambda t: -problems.get(t.unit.pk, 0))
        chart = {
            "title": f"{period.label}各单位发现的问题（项）",
            "labels": [t.unit.name for t in ordered],
            "values": [problems.get(t.unit.pk, 0) for t in ordered],
        }
    return render(
        request,
        "assessment/period.html",
        {
            "title": f"{period.label}考核结果",
            "s": s,
            "period": period,
            "rows": outputs.ranking_rows(s),
            "totals": [(t, problems.get(t.unit.pk, 0)) for t in s.totals],
            "chart": chart,
            "has_ledger": bool(s.rules.ledger_period) and s.rules.ledger_period != period.kind,
            "criticism": bool(s.rules.criticism),
            "issuable": period.kind in issuing.issuable_kinds(s.rules),
            "can_issue": issuing.can_issue(request.user, s.rules),
            "who_may_issue": freeze.who_may_issue(s.rules),
            "proposed_number": outputs.document_number(s.rules, period),
            "versions": Issue.objects.filter(
                locality=locality, period_kind=kind, year=year, number=number
            ).select_related("issued_by", "superseded_by"),
        },
    )


def _back_to_period(period: Period):
    return redirect(reverse("assessment_admin:period", args=[period.kind, period.year, period.number]))


def _issuer_entry(request, kind, year, number, refusal: str):
    """(locality, period, None) for a person of the roles the profile lets issue, else (.., .., the refusal)."""
    locality, refused = _entry(request)
    if refused:
        return None, None, refused
    period = _period(kind, year, number)
    rules = facts_mod.rules_for(locality)
    if not issuing.can_issue(request.user, rules):
        return locality, period, perms.refuse_with(request, freeze.who_may_issue(rules) + refusal)
    return locality, period, None


@require_POST
def issue_view(request, kind, year, number):
    """印发: freeze the period's results and keep the official ranking notice (the profile's roles only)."""
    locality, period, refused = _issuer_entry(request, kind, year, number, "，你的账号不能印发。")
    if refused:
        return refused
    try:
        record = issuing.issue(
            locality,
            period,
            user=request.user,
            document_number=request.POST.get("document_number", ""),
            request=request,
        )
    except issuing.IssueRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已印发{period.label}考核结果（{record.document_number}，第{record.version}版），结果已冻结。",
        )
    return _back_to_period(period)


@require_POST
def withdraw_view(request, kind, year, number):
    """Withdraw the standing version so a change can be made and issued as the next version."""
    locality, period, refused = _issuer_entry(request, kind, year, number, "，撤回和更正也由其办理。")
    if refused:
        return refused
    record = issuing.live_issue(locality, period)
    if record is None:
        raise Http404("本期考核结果没有印发")
    try:
        issuing.withdraw(record, user=request.user, reason=request.POST.get("reason", ""), request=request)
    except issuing.IssueRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已撤回第{record.version}版，可以调整后印发第{record.version + 1}版（更正版本）。"
        )
    return _back_to_period(period)


def issued_file(request, kind, year, number, version, fmt):
    """A version of the ranking notice exactly as it was issued."""
    locality, refused = _entry(request)
    if refused:
        return refused
    if not perms.is_manager(request.user):
        return perms.refuse(request, what="全部单位的考核排名")
    record = get_object_or_404(
        Issue, locality=locality, period_kind=kind, year=year, number=number, version=version
    )
    name = f"{record.period.label}考核结果通报（第{record.version}版）.{fmt}"
    return docs.bytes_response(record.pdf if fmt == "pdf" else record.docx, name)


class AdjustForm(forms.Form):
    points = forms.IntegerField(label="调整分值", required=False, initial=0, min_value=-1000, max_value=1000)
    rule_code = forms.ChoiceField(label="认定的情形", required=False)
    cancels = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="理由（必填，记入调整记录）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "调整分数须写明理由（记入调整记录，不可修改或删除）。"},
    )

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（不认定情形，仅调整分值或撤销一条计分）")]
        for r in rules.manual_rules() if rules else []:
            choices.append((r.code, f"{r.text}（{r.article}，{r.points}分）"))
        self.fields["rule_code"].choices = choices


def _unit_context(request, locality, period, unit, form=None):
    s = standing(locality, period)
    lines = [(line, _source_url(line)) for line in s.lines_of(unit)]
    return {
        "title": f"{unit.name} {period.label}考核",
        "s": s,
        "period": period,
        "unit": unit,
        "total": s.total_of(unit),
        "lines": lines,
        "table": outputs.unit_table(s, unit) if s.total_of(unit) else [],
        "manager": perms.is_manager(request.user),
        "form": form or AdjustForm(rules=s.rules),
        "compute_assessment": next(iter(s.assessments), None),
        "criticism": outputs.criticism_cases(s, unit),
        "criticism_texts": s.rules.criticism,
        "kind_labels": dict(LineKind.choices),
        "frozen_message": next((freeze.frozen_message(a) for a in s.assessments if a.state == "issued"), ""),
    }


def _unit_entry(request, kind, year, number, unit_id):
    """(locality, period, unit, refusal) of a page about one unit's result: the back office's entry check,
    then the unit of the person's locality that the person may see (another unit: 403 naming the owner)."""
    locality, refused = _entry(request)
    if refused:
        return None, None, None, refused
    period = _period(kind, year, number)
    unit = get_object_or_404(Unit, pk=unit_id, locality=locality)
    if not perms.can_view_unit(request.user, unit):
        return locality, period, unit, perms.refuse(request, unit, "这份考核结果")
    return locality, period, unit, None


def unit_view(request, kind, year, number, unit_id):
    locality, period, unit, refused = _unit_entry(request, kind, year, number, unit_id)
    if refused:
        return refused
    s = standing(locality, period)
    if s.total_of(unit) is None:
        raise Http404("该单位不是本地区办法规定的考核对象")
    return render(request, "assessment/unit.html", _unit_context(request, locality, period, unit))


@require_POST
def adjust_view(request, kind, year, number, unit_id):
    locality, period, unit, refused = _unit_entry(request, kind, year, number, unit_id)
    if refused:
        return refused
    if not perms.is_manager(request.user):
        return perms.refuse(request, what="调整考核分数")
    rules = facts_mod.rules_for(locality)
    if period.kind != compute_kind(rules):
        raise Http404("只能在计算周期内调整")
    assessment = Assessment.objects.filter(
        locality=locality, period_kind=kind, year=year, number=number
    ).first()
    form = AdjustForm(request.POST, rules=rules)
    if assessment is None:
        messages.error(request, "请先计算本期考核分数，再调整。")
    elif form.is_valid():
        cancels = None
        if form.cleaned_data.get("cancels"):
            cancels = assessment.lines.filter(pk=form.cleaned_data["cancels"], unit=unit).first()
        points = form.cleaned_data.get("points") or 0
        if not (points or form.cleaned_data["rule_code"] or cancels):
            form.add_error("points", "请填写调整分值、选择认定的情形，或选择要撤销的计分。")
        else:
            try:
                line = adjust(
                    assessment,
                    unit,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    points=points,
                    rule_code=form.cleaned_data["rule_code"],
                    cancels=cancels,
                    request=request,
                )
            except AssessmentFrozen as exc:
                form.add_error(None, str(exc))
                context = _unit_context(request, locality, period, unit, form=form)
                return render(request, "assessment/unit.html", context, status=409)
            messages.success(request, f"已记录调整：{line.points:+d}分。")
            return redirect(reverse("assessment_admin:unit", args=[kind, year, number, unit.pk]))
    context = _unit_context(request, locality, period, unit, form=form)
    return render(request, "assessment/unit.html", context, status=400 if assessment else 409)


def _file(data: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _document_response(doc, fmt: str, name: str):
    if fmt == "docx":
        return docs.docx_response(doc, f"{name}.docx")
    if fmt == "pdf":
        return docs.pdf_response(doc, f"{name}.pdf")
    raise Http404("未知的文件格式")


def notice_file(request, kind, year, number, unit_id, fmt):
    locality, period, unit, refused = _unit_entry(request, kind, year, number, unit_id)
    if refused:
        return refused
    s = standing(locality, period)
    if s.total_of(unit) is None:
        raise Http404("该单位不是本地区办法规定的考核对象")
    return _document_response(outputs.notice_document(s, unit), fmt, f"{unit.name}{period.label}考核通报")


def criticism_file(request, kind, year, number, unit_id, fmt):
    locality, period, unit, refused = _unit_entry(request, kind, year, number, unit_id)
    if refused:
        return refused
    doc = outputs.criticism_document(standing(locality, period), unit)
    if doc is None:
        raise Http404("该单位本期没有应予通报批评的情形")
    return _document_response(doc, fmt, f"{unit.name}{period.label}通报批评")


def ranking_file(request, kind, year, number, fmt):
    locality, refused = _entry(request)
    if refused:
        return refused
    if not perms.is_manager(request.user):
        return perms.refuse(request, what="全部单位的考核排名")
    period = _period(kind, year, number)
    s = standing(locality, period)
    name = f"{period.label}考核排名"
    if fmt == "xlsx":
        return _file(outputs.ranking_xlsx(s), f"{name}.xlsx", XLSX_CONTENT_TYPE)
    if s.issue is not None and fmt in ("docx", "pdf"):  # the notice exactly as it was issued
        return docs.bytes_response(s.issue.pdf if fmt == "pdf" else s.issue.docx, f"{name}.{fmt}")
    return _document_response(outputs.ranking_document(s), fmt, name)


def ledger_file(request, kind, year, number):
    locality, refused = _entry(request)
    if refused:
        return refused
    if not perms.is_manager(request.user):
        return perms.refuse(request, what="量化考核台账")
    period = _period(kind, year, number)
    return _file(outputs.ledger_xlsx(locality, period), f"{period.label}量化考核台账.xlsx", XLSX_CONTENT_TYPE)


# --- responsibility letters --------------------------------------------------------------------------------


def letters_view(request):
    locality, refused = _entry(request)
    if refused:
        return refused
    template = facts_mod.letter_template(locality)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    manager = perms.is_manager(request.user)
    if request.method == "POST":
        if not manager:
            return perms.refuse(request, what="生成责任书")
        if not template:
            messages.error(request, "本地区办法未规定签订责任书。")
        else:
            made = letters_mod.generate(locality, year, user=request.user)
            messages.success(request, f"已生成或核对{year}年责任书{len(made)}份。")
        return redirect(reverse("assessment_admin:letters") + f"?year={year}")
    qs = ResponsibilityLetter.objects.filter(locality=locality, year=year).select_related("unit")
    if not manager:
        qs = qs.filter(unit=unit_of(request.user))
    overdue = [
        lt for lt in letters_mod.overdue(locality, today) if manager or lt.unit_id == unit_of(request.user).pk
    ]
    return render(
        request,
        "assessment/letters.html",
        {
            "title": "网站内容保障责任书",
            "template": template,
            "letters": qs,
            "overdue": overdue,
            "year": year,
            "manager": manager,
            "today": today,
            "rules": facts_mod.rules_for(locality),
        },
    )


class ScanForm(forms.Form):
    scan = forms.FileField(label="签订后的扫描件（PDF 或图片）")
    signed_on = forms.DateField(label="签订日期", widget=forms.DateInput(attrs={"type": "date"}))


def _letter_or_refuse(request, pk, locality):
    letter = get_object_or_404(ResponsibilityLetter.objects.select_related("unit"), pk=pk, locality=locality)
    if not perms.can_view_unit(request.user, letter.unit):
        return letter, perms.refuse(request, letter.unit, "这份责任书")
    return letter, None


def letter_view(request, pk):
    locality, refused = _entry(request)
    if refused:
        return refused
    letter, refused = _letter_or_refuse(request, pk, locality)
    if refused:
        return refused
    form = ScanForm()
    status = 200
    if request.method == "POST":
        form = ScanForm(request.POST, request.FILES)
        if letter.state == LetterState.SUPERSEDED:
            form.add_error(None, "这份责任书已失效（单位负责人已变更），请上传新责任书的扫描件。")
        elif form.is_valid():
            try:
                check_upload(form.cleaned_data["scan"], upload_kind("document"), locality)
            except UploadRefused as exc:
                form.add_error("scan", str(exc))
            else:
                name = form.cleaned_data["scan"].name.rsplit(".", 1)[-1].lower()
                if name not in ("pdf", "ofd", "jpg", "jpeg", "png"):
                    form.add_error("scan", "扫描件须为 PDF、OFD 或 JPG、PNG 图片。")
                else:
                    letters_mod.attach_scan(
                        letter,
                        form.cleaned_data["scan"],
                        user=request.user,
                        signed_on=form.cleaned_data["signed_on"],
                    )
                    messages.success(request, "已上传签订后的扫描件，责任书已签订。")
                    return redirect(reverse("assessment_admin:letter", args=[letter.pk]))
        status = 400
    return render(
        request,
        "assessment/letter.html",
        {"title": str(letter), "letter": letter, "form": form, "today": timezone.localdate()},
        status=status,
    )


def letter_file(request, pk, fmt):
    locality, refused = _entry(request)
    if refused:
        return refused
    letter, refused = _letter_or_refuse(request, pk, locality)
    if refused:
        return refused
    doc = outputs.letter_document(letter)
    if doc is None:
        raise Http404("本地区办法未规定责任书")
    return _document_response(doc, fmt, f"{letter.unit.name}{letter.year}年责任书")


def letter_scan(request, pk):
    locality, refused = _entry(request)
    if refused:
        return refused
    letter, refused = _letter_or_refuse(request, pk, locality)
    if refused:
        return refused
    if not letter.scan:
        raise Http404("尚未上传扫描件")
    from django.http import FileResponse

    response = FileResponse(letter.scan.open("rb"), as_attachment=True, filename=letter.scan_name or "scan")
    response["X-Content-Type-Options"] = "nosniff"
    return response
