"""Back-office views of text findings: the editor's “检查” button, the site scan report, the registries'
import and export."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page

from govportal.accounts import staffing
from govportal.accounts.audit import record_export
from govportal.accounts.models import Unit
from govportal.accounts.permissions import unit_of
from govportal.exports import new_workbook, workbook_bytes
from govportal.portal.models import HomePage
from govportal.textcheck import KIND_LABELS, KINDS

from . import permissions as perms
from .models import (
    REGISTRY_MODELS,
    FindingKind,
    FindingStatus,
    RegistryVersion,
    ScanStatus,
    Severity,
    TextScanFinding,
    TextScanRun,
)
from .registries import ImportError_, ensure_seeded, export_xlsx, import_file
from .scan import start_scan
from .textcheck import (
    check_item_attachments,
    check_text,
    content_version,
    forbids_non_gov,
    link_policy,
    locality_of,
    page_text,
)

SEVERITY_LABELS = dict(Severity.choices)

# --- the editor's “检查” button --------------------------------------------------------------------------


def _segments(text: str, findings: list[dict]) -> list[dict]:
    """Cut ``text`` where findings start and end; each piece knows the findings covering it (findings of
    different kinds may overlap)."""
    cuts = {0, len(text)}
    for f in findings:
        cuts.update((f["start"], f["end"]))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [f for f in findings if f["start"] <= a and b <= f["end"]]
        seg = {"text": text[a:b], "findings": covering}
        if covering:
            seg["severity"] = "blocking" if any(f["severity"] == "blocking" for f in covering) else "warning"
            seg["title"] = "；".join(f"{f['kind_label']}：{f['suggestion_text']}" for f in covering)
            seg["anchors"] = [f["n"] for f in covering if f["start"] == a]
            seg["refs"] = " ".join(f"tc-f{f['n']}" for f in covering)
        out.append(seg)
    return out


def findings_view_data(item, findings) -> dict:
    """What the result panel shows: the findings listed, and each text field with ``<mark>`` spans."""
    rows = []
    for n, f in enumerate(findings, 1):
        part = item.part_at(f.start)
        rows.append(
            {
                "n": n,
                "kind": f.kind,
                "kind_label": KIND_LABELS.get(f.kind, f.kind),
                "subkind": f.subkind,
                "severity": f.severity,
                "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "suggestion": f.suggestion or "",
                "suggestion_text": f"建议：{f.suggestion}" if f.suggestion else f.rule[:60],
                "rule": f.rule,
                "field": part.label if part else "",
            }
        )
    parts = []
    for part in item.parts:
        end = part.start + len(part.text)
        local = [
            {**r, "start": max(r["start"], part.start) - part.start, "end": min(r["end"], end) - part.start}
            for r in rows
            if r["start"] < end and r["end"] > part.start
        ]
        parts.append({"label": part.label, "segments": _segments(part.text, local), "count": len(local)})
    counts = Counter(r["severity"] for r in rows)
    return {
        "rows": rows,
        "parts": parts,
        "blocking": counts.get("blocking", 0),
        "warning": counts.get("warning", 0),
        "total": len(rows),
    }


def _check(page, locality: str):
    item = page_text(page)
    findings = check_text(item.text, locality, forbid_non_gov=forbids_non_gov(page, locality))
    data = findings_view_data(item, findings)
    attachments = []
    for doc, extracted, found in check_item_attachments(page, locality=locality, as_is=True):
        rows = []
        for f in found:
            before = extracted.text[max(0, f.start - 20) : f.start].rsplit("\n", 1)[-1]
            after = extracted.text[f.end : f.end + 20].split("\n", 1)[0]
            rows.append(
                {
                    "kind_label": KIND_LABELS.get(f.kind, f.kind),
                    "subkind": f.subkind,
                    "severity": f.severity,
                    "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
                    "text": f.text,
                    "before": before,
                    "after": after,
                    "suggestion": f.suggestion or "",
                    "rule": f.rule,
                }
            )
        attachments.append({"document": doc, "ok": extracted.ok, "message": extracted.message, "rows": rows})
    data["attachments"] = attachments
    data["attachment_findings"] = sum(len(a["rows"]) for a in attachments)
    return data


def _page_form(page, parent, request):
    form_class = page.get_edit_handler().get_form_class()
    data = request.POST.copy()
    if not data.get("title"):
        data["title"] = page.title or "（未填标题）"
    if not data.get("slug"):
        data["slug"] = page.slug or f"check-{uuid.uuid4().hex[:12]}"
    return form_class(data, request.FILES, instance=page, parent_page=parent, for_user=request.user)


def _result(request, context, status=200):
    return render(request, "monitoring/check_result.html", context, status=status)


def check_page(request, page_id: int):
    """GET: the page's latest saved draft, checked, on a page of its own.
    POST (the “检查” button): the editor form's current content, checked without saving anything."""
    base = get_object_or_404(Page, pk=page_id)
    page = base.specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied("只有可以编辑这条信息的人才能检查它。")
    locality = locality_of(page)
    if request.method == "POST":
        draft = content_version(page)
        form = _page_form(draft, page.get_parent().specific, request)
        form.is_valid()  # fills form.instance with every field that is valid; nothing is saved
        context = _check(form.instance, locality)
        context.update({"source": "form", "page": page, "invalid": sorted(form.errors.keys())})
        return _result(request, context)
    draft = content_version(page)
    context = _check(draft, locality)
    revision = page.latest_revision
    context.update(
        {
            "source": "saved",
            "page": page,
            "saved_at": revision.created_at if revision else page.last_published_at,
            "standalone": True,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        }
    )
    return render(request, "monitoring/check_page.html", context)


@require_POST
def check_new(request, app_label: str, model_name: str, parent_id: int):
    """The “检查” button on a page not saved yet."""
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = ct.model_class()
    if model is None or not issubclass(model, Page):
        raise Http404
    parent = get_object_or_404(Page, pk=parent_id).specific
    if not parent.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied("只有可以在本栏目下新建信息的人才能检查。")
    page = model()
    page.depth = parent.depth + 1
    page.path = parent.path + "ZZZZ"  # a place below the parent, for locality and column rules; never saved
    page._cached_parent_obj = parent
    form = _page_form(page, parent, request)
    form.is_valid()
    locality = locality_of(parent)
    context = _check(form.instance, locality)
    context.update({"source": "form", "page": None, "invalid": sorted(form.errors.keys())})
    return _result(request, context)


# --- the site scan report -------------------------------------------------------------------------------


def _require(check, request, message):
    if not check(request.user):
        raise PermissionDenied(message)


def _localities():
    return list(HomePage.objects.exclude(locality="").values_list("locality", "title"))


def _pick_locality(request):
    sites = _localities()
    codes = [c for c, _ in sites]
    wanted = request.GET.get("locality") or request.POST.get("locality")
    unit = unit_of(request.user)
    if not wanted and unit is not None and unit.locality in codes:
        wanted = unit.locality
    if wanted not in codes:
        wanted = codes[0] if codes else ""
    if not perms.sees_all_units(request.user) and unit is not None:
        wanted = unit.locality
    return wanted, sites


def _pivot(qs, key: str):
    """Rows of counts per ``key`` (unit or column): by kind, by severity, by status, items concerned."""
    rows: dict = defaultdict(
        lambda: {"kinds": Counter(), "blocking": 0, "warning": 0, "open": 0, "fixed": 0, "false_positive": 0}
    )
    for r in qs.values(key, "kind", "severity", "status").annotate(n=Count("id")):
        row = rows[r[key]]
        if r["status"] == FindingStatus.OPEN:
            row["kinds"][r["kind"]] += r["n"]
            row[r["severity"]] += r["n"]
        row[r["status"]] += r["n"]
    pages = dict(
        qs.filter(status=FindingStatus.OPEN)
        .values(key)
        .annotate(n=Count("page", distinct=True))
        .values_list(key, "n")
    )
    for k, row in rows.items():
        row["pages"] = pages.get(k, 0)
        row["kind_cells"] = [row["kinds"].get(kind, 0) for kind in KINDS]
    return rows


def report_tables(run: TextScanRun, findings_qs):
    by_unit = _pivot(findings_qs, "unit")
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in by_unit if k])}
    unit_rows = sorted(
        ({"id": k, "name": units[k].name if k in units else "未确定单位", **v} for k, v in by_unit.items()),
        key=lambda r: (-r["blocking"], -(r["blocking"] + r["warning"]), r["name"]),
    )
    by_column = _pivot(findings_qs, "column")
    cols = {p.pk: p for p in Page.objects.filter(pk__in=[k for k in by_column if k])}
    column_rows = sorted(
        (
            {"id": k, "name": _column_label(cols.get(k)), "path": cols[k].path if k in cols else "", **v}
            for k, v in by_column.items()
        ),
        key=lambda r: r["path"],
    )
    totals = Counter()
    for r in unit_rows:
        for name in ("blocking", "warning", "open", "fixed", "false_positive", "pages"):
            totals[name] += r[name]
    kind_totals = [sum(r["kind_cells"][i] for r in unit_rows) for i in range(len(KINDS))]
    return unit_rows, column_rows, totals, kind_totals


_COLUMN_LABELS: dict = {}


def _column_label(page) -> str:
    if page is None:
        return "（不在栏目中）"
    ancestors = Page.objects.filter(path__in=[page.path[:i] for i in range(12, len(page.path), 4)]).order_by(
        "path"
    )
    return " / ".join([p.title for p in ancestors] + [page.title])


def scan_report(request):
    _require(
        perms.can_view_scans,
        request,
        "只有网站管理员、主办单位、承办单位和各单位信息员、审核人可以查看错敏信息扫描报告。",
    )
    locality, sites = _pick_locality(request)
    runs = TextScanRun.objects.filter(locality=locality).order_by("-pk")
    run = runs.filter(status=ScanStatus.DONE).first()
    pending = runs.filter(status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING]).first()
    context = {
        "locality": locality,
        "sites": sites,
        "run": run,
        "pending": pending,
        "history": runs[:10],
        "can_run": perms.can_run_scan(request.user),
        "all_units": perms.sees_all_units(request.user),
        "own_unit": unit_of(request.user),
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
    }
    if run:
        qs = perms.visible_findings(request.user, run.findings.all())
        unit_rows, column_rows, totals, kind_totals = report_tables(run, qs)
        context.update(
            {"unit_rows": unit_rows, "column_rows": column_rows, "totals": totals, "kind_totals": kind_totals}
        )
    return render(request, "monitoring/scan_report.html", context)


@require_POST
def scan_start(request):
    _require(perms.can_run_scan, request, "只有网站管理员、主办单位和承办单位可以发起全站扫描。")

    locality, _ = _pick_locality(request)
    run = start_scan(locality, request.user, include_documents=request.POST.get("documents") != "0")
    messages.success(
        request, f"扫描 #{run.pk} 已交后台任务执行（{run.get_status_display()}）。完成后本页显示新的报告。"
    )
    return redirect(f"{reverse('textcheck_scan_report')}?{urlencode({'locality': locality})}")


class FindingFilter(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    column = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="类别", choices=[("", "全部类别"), *FindingKind.choices], required=False)
    severity = forms.ChoiceField(label="严重程度", choices=[("", "全部"), *Severity.choices], required=False)
    status = forms.ChoiceField(
        label="处理状态", choices=[("", "全部状态"), *FindingStatus.choices], required=False, initial="open"
    )
    q = forms.CharField(label="关键词", required=False, help_text="标题或问题文字")


def _findings_qs(request, run):
    qs = perms.visible_findings(request.user, run.findings.all())
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = FindingStatus.OPEN
    form = FindingFilter(data)
    form.fields["unit"].queryset = Unit.objects.filter(locality=run.locality)
    if not perms.sees_all_units(request.user):
        form.fields["unit"].queryset = form.fields["unit"].queryset.filter(
            pk=getattr(unit_of(request.user), "pk", None)
        )
    if form.is_valid():
        d = form.cleaned_data
        if d["unit"]:
            qs = qs.filter(unit=d["unit"])
        elif request.GET.get("unit") == "none":
            qs = qs.filter(unit__isnull=True)
        if d["column"]:
            qs = qs.filter(column_id=d["column"])
        for name in ("kind", "severity", "status"):
            if d[name]:
                qs = qs.filter(**{name: d[name]})
        if d["q"]:
            qs = qs.filter(Q(page__title__icontains=d["q"]) | Q(text__icontains=d["q"]))
    return form, qs


def scan_findings(request, run_id: int):
    _require(perms.can_view_scans, request, "您没有查看错敏信息扫描结果的权限。")
    run = get_object_or_404(TextScanRun, pk=run_id)
    form, qs = _findings_qs(request, run)
    qs = qs.select_related("page", "document", "unit", "marked_by").order_by(
        "unit_id", "page_id", "document_id", "start"
    )
    paginator = Paginator(qs, 50)
    page_obj = paginator.get_page(request.GET.get("p"))
    params = request.GET.copy()
    params.pop("p", None)
    column = None
    if form.is_valid() and form.cleaned_data.get("column"):
        column = _column_label(Page.objects.filter(pk=form.cleaned_data["column"]).first())
    return render(
        request,
        "monitoring/scan_findings.html",
        {
            "run": run,
            "form": form,
            "page_obj": page_obj,
            "params": params.urlencode(),
            "column_label": column,
            "here": request.get_full_path(),
            "statuses": FindingStatus.choices,
        },
    )


@require_POST
def scan_mark(request, finding_id: int):
    finding = get_object_or_404(TextScanFinding.objects.select_related("run"), pk=finding_id)
    if not perms.can_mark(request.user, finding):
        raise PermissionDenied("只有本单位人员或网站管理员、主办单位可以标记这条问题。")
    status = request.POST.get("status")
    if status not in FindingStatus.values:
        messages.error(request, "请选择处理状态：待整改、已整改或误报。")
    else:
        note = (request.POST.get("note") or "").strip()[:300]
        if status == FindingStatus.FALSE_POSITIVE and not note and finding.severity == Severity.BLOCKING:
            messages.error(
                request,
                f"“{finding.text}”是阻止发布级的问题，标记为误报时请写明理由（酉阳办法第十八条 错敏信息整改须有据可查）。",
            )
        else:
            finding.status = status
            finding.mark_note = note
            finding.marked_by = request.user if status != FindingStatus.OPEN else None
            finding.marked_at = timezone.now() if status != FindingStatus.OPEN else None
            finding.save(update_fields=["status", "mark_note", "marked_by", "marked_at"])
            messages.success(request, f"已将“{finding.text}”标记为{finding.get_status_display()}。")
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("textcheck_scan_findings", args=[finding.run_id])
    return redirect(nxt)


def scan_export(request, run_id: int):
    _require(perms.can_view_scans, request, "您没有导出错敏信息扫描结果的权限。")
    run = get_object_or_404(TextScanRun, pk=run_id)
    # the findings quote what was found, personal data included (phones, ID numbers in published pages)

    if not staffing.can_export_personal_data(request.user, run.locality):
        raise PermissionDenied(staffing.export_refusal(run.locality))
    qs = perms.visible_findings(request.user, run.findings.all())
    data = export_scan_xlsx(run, qs, request)
    record_export(request, f"错敏信息扫描结果（{run.locality}，第 {run.pk} 次扫描）", qs.count())
    name = f"textcheck-scan-{run.locality}-{run.pk}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_scan_xlsx(run: TextScanRun, qs, request=None) -> bytes:
    from openpyxl.styles import Alignment, Font

    unit_rows, column_rows, totals, kind_totals = report_tables(run, qs)
    wb = new_workbook()
    ws = wb.active
    ws.title = "按单位汇总"
    kind_headers = [KIND_LABELS[k] for k in KINDS]
    header = ["单位", "涉及页面", *kind_headers, "阻止发布级", "提醒级", "待整改", "已整改", "误报"]
    ws.append(
        [
            f"错敏信息扫描 #{run.pk}（{run.locality}），完成于 {timezone.localtime(run.finished_at):%Y-%m-%d %H:%M}"
            if run.finished_at
            else f"扫描 #{run.pk}"
        ]
    )
    ws.append([run.message])
    ws.append(header)
    for r in unit_rows:
        ws.append(
            [
                r["name"],
                r["pages"],
                *r["kind_cells"],
                r["blocking"],
                r["warning"],
                r["open"],
                r["fixed"],
                r["false_positive"],
            ]
        )
    ws.append(
        [
            "合计",
            totals["pages"],
            *kind_totals,
            totals["blocking"],
            totals["warning"],
            totals["open"],
            totals["fixed"],
            totals["false_positive"],
        ]
    )
    ws2 = wb.create_sheet("按栏目汇总")
    ws2.append(["栏目", "涉及页面", *kind_headers, "阻止发布级", "提醒级", "待整改", "已整改", "误报"])
    for r in column_rows:
        ws2.append(
            [
                r["name"],
                r["pages"],
                *r["kind_cells"],
                r["blocking"],
                r["warning"],
                r["open"],
                r["fixed"],
                r["false_positive"],
            ]
        )
    ws3 = wb.create_sheet("问题明细")
    ws3.append(
        [
            "单位",
            "栏目",
            "页面标题",
            "位置",
            "附件",
            "类别",
            "细类",
            "严重程度",
            "问题文字",
            "上下文",
            "建议",
            "规则",
            "处理状态",
            "标记人",
            "标记说明",
            "编辑地址",
        ]
    )
    base = request.build_absolute_uri("/") if request is not None else ""
    col_names = {r["id"]: r["name"] for r in column_rows}
    for f in (
        qs.select_related("page", "unit", "document", "marked_by")
        .order_by("unit_id", "page_id", "start")
        .iterator(chunk_size=2000)
    ):
        ws3.append(
            [
                f.unit.name if f.unit else "未确定单位",
                col_names.get(f.column_id, ""),
                f.page.title,
                f.field_label,
                f.document.title if f.document else "",
                f.get_kind_display(),
                f.subkind,
                f.get_severity_display(),
                f.text,
                f"{f.context_before}【{f.text}】{f.context_after}",
                f.suggestion,
                f.rule,
                f.get_status_display(),
                (f.marked_by.get_full_name() or f.marked_by.get_username()) if f.marked_by else "",
                f.mark_note,
                base.rstrip("/") + reverse("wagtailadmin_pages:edit", args=[f.page_id]),
            ]
        )
    for sheet in (ws, ws2, ws3):
        for cell in sheet[3 if sheet is ws else 1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 28
    ws3.column_dimensions["C"].width = 36
    ws3.column_dimensions["J"].width = 50
    ws3.column_dimensions["L"].width = 50
    for row in ws3.iter_rows(min_row=2, max_col=12):
        row[9].alignment = Alignment(wrap_text=True)
    return workbook_bytes(wb)


# --- registries: import / export -------------------------------------------------------------------------


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入到",
        choices=[
            ("sensitive", "敏感词库（.tsv：词语⇥类别⇥严重程度⇥建议⇥说明⇥例外）"),
            ("expressions", "规范表述库（.tsv：错误写法⇥正确写法⇥类别⇥严重程度⇥说明⇥例外）"),
            ("leaders", "领导人姓名职务库（.toml：[[leader]] name、titles、outdated）"),
            ("blocked", "链接黑名单（.txt：一行一个域名）"),
            ("allowed", "非政府网站链接白名单（.txt：一行一个域名）"),
        ],
    )
    locality = forms.ChoiceField(label="适用地区", required=False)
    file = forms.FileField(label="文件")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件超过 5 MB，请分批导入。")
        return f


def registry_tools(request):
    _require(perms.can_manage_registries, request, "只有网站管理员和主办单位可以维护错敏信息检查词库。")

    ensure_seeded()
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    form.fields["locality"].choices = [("", "本平台所有网站")] + [
        (c, f"{t}（{c}）") for c, t in _localities()
    ]
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_file(
                form.cleaned_data["kind"], form.cleaned_data["file"].read(), form.cleaned_data["locality"]
            )
        except ImportError_ as exc:
            form.add_error("file", str(exc))
    counts = [
        (m._meta.verbose_name_plural, m.objects.count(), m.objects.filter(enabled=True).count())
        for m in REGISTRY_MODELS
    ]
    policies = [(code, title, link_policy(code)) for code, title in _localities()]
    state = RegistryVersion.objects.filter(key=RegistryVersion.KEY).first()
    return render(
        request,
        "monitoring/registry_tools.html",
        {"form": form, "report": report, "counts": counts, "policies": policies, "state": state},
    )


def registry_export(request):
    _require(perms.can_manage_registries, request, "只有网站管理员和主办单位可以导出错敏信息检查词库。")

    response = HttpResponse(
        export_xlsx(request.GET.get("locality") or None),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="textcheck-registries.xlsx"'
    return response
