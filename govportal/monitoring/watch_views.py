"""Back-office views of watching the site: the column freshness board, the self-inspection report (drill-down,
history, xlsx, printable page), the column inspection groups administrators confirm, and the alerts."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govportal.accounts.models import CONTENT_ROLES, Unit
from govportal.accounts.permissions import roles_of, unit_of
from govportal.exports import sheets_bytes
from govportal.interaction.models import ErrorKind
from govportal.portal.models import HomePage

from . import alerts as alerting
from . import freshness as fr
from . import permissions as perms
from . import reading as rd
from .inspection import INDICATORS, REFERENCE, ensure_groups, inspect, run_and_keep
from .linkcheck import dead_links
from .models import (
    Alert,
    AlertState,
    ColumnGroup,
    GroupSource,
    InspectionRun,
    LinkCheckRun,
    ReadingMark,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home(request):
    """The site the user works on: their unit's; the all-units roles may switch with ?locality=."""

    homes = list(HomePage.objects.exclude(locality="").order_by("id"))
    wanted = request.GET.get("locality") or request.POST.get("locality")
    unit = unit_of(request.user)
    if not perms.sees_all_units(request.user) or not wanted:
        wanted = unit.locality if unit is not None else (homes[0].locality if homes else "")
    home = next((h for h in homes if h.locality == wanted), homes[0] if homes else None)
    return home, homes


def guarded_workbook(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An xlsx of ``(title, rows)`` sheets in which no cell can become a formula (``govportal.exports``)."""
    return sheets_bytes(sheets)


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the freshness board ---------------------------------------------------------------------------------


def can_view_freshness(user) -> bool:
    return perms.can_view_scans(user)


def freshness_board(request):
    if not can_view_freshness(request.user):
        raise PermissionDenied("只有网站管理员、主办单位、承办单位和各单位人员可以查看栏目更新情况。")
    home, homes = _home(request)
    if home is None:
        return render(request, "monitoring/freshness.html", {"statuses": [], "homes": homes})
    statuses = fr.visible_statuses(request.user, fr.column_statuses(home))
    all_units = perms.sees_all_units(request.user)
    channels = sorted({s.path_titles[0] for s in statuses if s.path_titles}, key=lambda t: t)
    units = Unit.objects.filter(locality=home.locality)
    unit_id, channel, state = (
        request.GET.get("unit", ""),
        request.GET.get("channel", ""),
        request.GET.get("state", ""),
    )
    shown = statuses
    if unit_id.isdigit():
        shown = [s for s in shown if any(u.pk == int(unit_id) for u in s.units)]
    if channel:
        shown = [s for s in shown if s.path_titles and s.path_titles[0] == channel]
    if state in fr.STATE_LABELS:
        shown = [s for s in shown if s.state == state]
    else:
        state = ""
        if not request.GET.get("all"):
            shown = [s for s in shown if s.state != fr.UNCHECKED]
    order = {k: n for n, k in enumerate(fr.STATES)}
    shown = sorted(shown, key=lambda s: (order[s.state], s.due or date.max, s.column.path))
    if request.GET.get("format") == "xlsx":
        return _download(
            _freshness_xlsx(shown), f"column-freshness-{home.locality}-{timezone.localdate()}.xlsx"
        )
    conf = fr.settings_for(home.locality)
    scope = "全部单位" if all_units else (unit_of(request.user).name if unit_of(request.user) else "")
    context = {
        "home": home,
        "homes": homes if all_units else [],
        "statuses": shown,
        "counts": fr.summary(statuses),
        "unit_rows": fr.unit_rows(statuses) if all_units else [],
        "units": units if all_units else [],
        "channels": channels,
        "states": [(k, fr.STATE_LABELS[k]) for k in fr.STATES],
        "f_unit": unit_id,
        "f_channel": channel,
        "f_state": state,
        "scope": scope,
        "all_units": all_units,
        "warning_days": conf["warning_days"],
        "article": conf["article"],
        "regulation": conf["regulation"],
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
    }
    return render(request, "monitoring/freshness.html", context)


def _freshness_xlsx(statuses) -> bytes:
    rows = [
        [
            "栏目",
            "责任单位",
            "更新要求",
            "状态",
            "状态起始日",
            "到期日",
            "最近更新",
            "最近信息",
            "信息数",
            "说明",
        ]
    ]
    for s in statuses:
        rows.append(
            [
                s.title,
                s.unit_names,
                s.rule,
                s.state_label,
                str(s.since or ""),
                str(s.due or ""),
                str(s.last_update or ""),
                s.last_item.title if s.last_item else "",
                s.item_count,
                s.note,
            ]
        )
    return guarded_workbook([("栏目更新情况", rows)])


# --- the inspection report ------------------------------------------------------------------------------


def can_view_inspection(user) -> bool:
    return perms.sees_all_units(user) or "principal_leader" in roles_of(user) and _is_host(user)


def _is_host(user) -> bool:
    unit = unit_of(user)
    return unit is not None and unit.kind == "host_office"


def _report_data(request, home):

    raw = request.GET.get("at", "")
    at = None
    error = ""
    if raw:
        try:
            at = date.fromisoformat(raw)
        except ValueError:
            error = f"检查日期“{raw}”无效，应写成 YYYY-MM-DD，如 2026-12-15；下面是今天的结果。"
    if at is None or at == timezone.localdate():
        report, _ = run_and_keep(home)
    else:
        report = inspect(home, at)
    data = report.to_json()
    data.update(questions=report.questions, checks=report.checks, forecast=report.forecast)
    return data, error


def _decorate(data: dict) -> dict:
    """Numbered vetoes (for drill-down links) and the checks grouped for display."""

    vetoes = []
    for n, v in enumerate(data["vetoes"]):
        headers, rows = _evidence_rows(v["evidence"])
        vetoes.append(dict(v, n=n, count=len(v["evidence"]), headers=headers, rows=rows))
    return {
        **data,
        "vetoes": vetoes,
        "indicators": INDICATORS,
        "deduction_total": sum(d["points"] for d in data["deductions"]),
    }


def inspection_report(request, run_id: int | None = None):
    if not can_view_inspection(request.user):
        raise PermissionDenied("只有网站管理员、主办单位和承办单位可以查看网站自查报告。")
    home, homes = _home(request)
    error = ""
    run = None
    if run_id is not None:
        run = get_object_or_404(InspectionRun, pk=run_id)
        data = run.result
    else:
        data, error = _report_data(request, home)
    data = _decorate(data)
    if request.GET.get("format") == "xlsx":
        return _download(_inspection_xlsx(data), f"self-inspection-{data['at']}.xlsx")
    template = (
        "monitoring/inspection_print.html" if request.GET.get("print") else "monitoring/inspection.html"
    )
    return render(
        request,
        template,
        {
            "r": data,
            "home": home,
            "homes": homes if perms.sees_all_units(request.user) else [],
            "error": error,
            "run": run,
            "history": InspectionRun.objects.filter(locality=home.locality)[:60] if home else [],
            "reference": _reference(),
            "query": request.GET.urlencode(),
        },
    )


def _reference() -> str:

    return REFERENCE


EVIDENCE_LABELS = {
    "column": "栏目",
    "units": "责任单位",
    "group": "分组",
    "limit": "时限",
    "last_update": "最近更新",
    "days_since_update": "距今天数",
    "last_item": "最近信息",
    "undated_items": "未注明日期的信息",
    "rule": "更新要求",
    "due": "到期日",
    "overdue_since": "超期起始日",
    "since": "空白起始日",
    "group_confirmed": "分组已确认",
    "query_code": "查询码",
    "subject": "标题",
    "type": "类型",
    "received": "来信时间",
    "answered": "答复时间",
    "days": "用时（天）",
    "unit": "单位",
    "title": "标题",
    "missing": "缺少要素",
    "summary": "概况",
    "probes": "监测次数",
    "failed": "未能打开",
    "url": "地址",
    "at": "时间",
    "status": "状态码",
    "error": "错误",
    "page": "页面",
    "text": "问题文字",
    "first_seen": "首次发现",
    "letter_types": "信件类型",
    "write_url": "写信入口",
    "service_guides": "办事指南数",
    "platform_url": "政务服务平台",
}
HIDDEN = {"page_id", "last_item_id", "letter_id", "alert_id", "scan"}


def _evidence_rows(evidence: list[dict]) -> tuple[list[str], list[list]]:
    keys: list[str] = []
    for e in evidence:
        for k in e:
            if k not in keys and k not in HIDDEN:
                keys.append(k)
    rows = []
    for e in evidence:
        row = []
        for k in keys:
            v = e.get(k)
            if isinstance(v, list):
                v = "、".join(str(x) for x in v)
            elif isinstance(v, bool):
                v = "是" if v else "否（按名称推测）"
            row.append("—" if v is None or v == "" else v)
        rows.append(row)
    return [EVIDENCE_LABELS.get(k, k) for k in keys], rows


def inspection_veto(request, n: int, run_id: int | None = None):
    """Drill-down: every item of evidence of one veto, with links to the column, page or letter."""
    if not can_view_inspection(request.user):
        raise PermissionDenied("只有网站管理员、主办单位和承办单位可以查看网站自查报告。")
    home, _ = _home(request)
    if run_id is not None:
        data = get_object_or_404(InspectionRun, pk=run_id).result
    else:
        data, _ = _report_data(request, home)
    if not 0 <= n < len(data["vetoes"]):
        messages.info(request, "该否决项已不存在（情况可能已经改变），下面是最新的自查结果。")
        return redirect("monitoring_inspection")
    veto = data["vetoes"][n]
    headers, rows = _evidence_rows(veto["evidence"])
    links = []
    for e in veto["evidence"]:
        if e.get("page_id") and "column" in e:
            links.append(reverse("wagtailadmin_explore", args=[e["page_id"]]))
        elif e.get("page_id"):
            links.append(reverse("wagtailadmin_pages:edit", args=[e["page_id"]]))
        else:
            links.append("")
    if request.GET.get("format") == "xlsx":
        return _download(
            guarded_workbook([(veto["code"], [headers, *rows])]), f"veto-{veto['code']}-{data['at']}.xlsx"
        )
    return render(
        request,
        "monitoring/inspection_veto.html",
        {
            "r": data,
            "veto": veto,
            "headers": headers,
            "rows": list(zip(rows, links, strict=True)),
            "run_id": run_id,
            "n": n,
            "query": request.GET.urlencode(),
        },
    )


def _inspection_xlsx(data: dict) -> bytes:
    summary = [
        ["网站", data["site"]],
        ["检查日期", data["at"]],
        ["结论", data["verdict"]],
        ["扣分项得分", data["score"]],
        [],
        ["单项否决指标", "结果", "情况"],
    ]
    for c in data.get("checks", []):
        summary.append([c["indicator"], "否决" if c["met"] else "通过", c["figure"]])
    summary += [[], ["扣分项", "扣分", "证据条数"]]
    for d in data["deductions"]:
        summary.append([d["indicator"], d["points"], len(d["evidence"])])
    summary += [[], ["预警"]] + [[f["text"]] for f in data.get("forecast", [])]
    summary += [[], ["需人工判断"]] + [[q] for q in data.get("questions", [])]
    sheets = [("自查结论", summary)]
    for n, v in enumerate(data["vetoes"]):
        headers, rows = _evidence_rows(v["evidence"])
        sheets.append((f"{n + 1}-{v['code']}", [[v["indicator"]], headers, *rows]))
    return guarded_workbook(sheets)


# --- column groups ---------------------------------------------------------------------------------------


def column_groups(request):
    """Administrators confirm which columns are 动态/要闻 and which 通知公告/政策文件 for the inspection."""
    if not perms.can_manage_registries(request.user):
        raise PermissionDenied("只有网站管理员和主办单位可以确认栏目的检查分组。")

    home, homes = _home(request)
    statuses = fr.column_statuses(home, include_subsites=False)
    groups = ensure_groups(home, statuses)
    if request.method == "POST":
        page_id = request.POST.get("page", "")
        group = request.POST.get("group", "")
        g = groups.get(int(page_id)) if page_id.isdigit() else None
        if g is None or group not in ColumnGroup.values:
            messages.error(request, "请选择一个栏目和分组（动态、要闻类／通知公告、政策文件类／其他）。")
        else:
            g.group, g.source = group, GroupSource.ADMIN
            g.confirmed_by, g.confirmed_at = request.user, timezone.now()
            g.save()
            messages.success(request, f"已确认“{g.page.title}”为{g.get_group_display()}。")
        return redirect(reverse("monitoring_column_groups") + f"?locality={home.locality}")
    only = request.GET.get("show", "candidates")
    rows = []
    for s in statuses:
        g = groups[s.column.pk]
        if only == "candidates" and g.group == ColumnGroup.OTHER and g.source == GroupSource.GUESS:
            continue
        rows.append({"s": s, "g": g})
    return render(
        request,
        "monitoring/column_groups.html",
        {"rows": rows, "home": home, "choices": ColumnGroup.choices, "show": only},
    )


# --- alerts ----------------------------------------------------------------------------------------------


def visible_alerts(user, qs):
    if perms.sees_all_units(user):
        return qs
    unit = unit_of(user)
    if unit is None:
        return qs.none()
    return qs.filter(unit=unit)


def alerts(request):
    if not can_view_freshness(request.user):
        raise PermissionDenied("只有网站管理员、主办单位、承办单位和各单位人员可以查看监测告警。")
    state = request.GET.get("state", "active")
    qs = visible_alerts(request.user, Alert.objects.select_related("unit"))
    if state == "active":
        qs = qs.exclude(state=AlertState.RESOLVED)
    elif state in AlertState.values:
        qs = qs.filter(state=state)
    return render(request, "monitoring/alerts.html", {"alerts": qs[:300], "state": state})


@require_POST
def alert_action(request, alert_id: int):

    alert = get_object_or_404(visible_alerts(request.user, Alert.objects.all()), pk=alert_id)
    if not can_view_freshness(request.user):
        raise PermissionDenied("您不能处理这条告警。")
    if request.POST.get("action") == "resolve":
        alerting.resolve(alert)
        messages.success(request, f"已标记为已解决：{alert.subject}")
    else:
        alerting.acknowledge(alert, request.user)
        messages.success(request, f"已知悉：{alert.subject}")
    return redirect("monitoring_alerts")


# --- link check results ----------------------------------------------------------------------------------


def link_report(request):
    """The latest link check: dead links per unit and column, with the page that carries each."""
    if not can_view_freshness(request.user):
        raise PermissionDenied("只有网站管理员、主办单位、承办单位和各单位人员可以查看链接检查结果。")

    home, _ = _home(request)
    run = (
        LinkCheckRun.objects.filter(locality=home.locality).order_by("-created_at").first() if home else None
    )
    unit = None if perms.sees_all_units(request.user) else unit_of(request.user)
    rows = list(dead_links(run, unit)[:2000]) if run else []
    if request.GET.get("format") == "xlsx" and run:
        table = [["单位", "栏目", "所在页面", "失效链接", "原因", "状态码"]]
        for s in rows:
            table.append(
                [
                    s.unit.name if s.unit else "",
                    s.column.title if s.column else "",
                    s.page.title,
                    s.target.url,
                    s.target.error,
                    s.target.status or "",
                ]
            )
        return _download(guarded_workbook([("失效链接", table)]), f"dead-links-{home.locality}-{run.pk}.xlsx")
    return render(
        request,
        "monitoring/links.html",
        {"run": run, "rows": rows, "unit": unit, "query": request.GET.urlencode()},
    )


# --- daily reading (读网) --------------------------------------------------------------------------------


def reading(request):
    """The reader's page for today: the unit's pages to read, marks, problems; and the unit's reading log."""
    from wagtail.models import Page

    unit = unit_of(request.user)
    if (
        perms.sees_all_units(request.user) and request.GET.get("unit", "").isdigit()
    ):  # the host office looks on
        unit = Unit.objects.filter(pk=int(request.GET["unit"])).first() or unit
    if unit is None or not (
        roles_of(request.user) & set(CONTENT_ROLES) or perms.sees_all_units(request.user)
    ):
        raise PermissionDenied("读网由各单位人员负责：请用本单位的账号登录。")
    today = timezone.localdate()
    pages = rd.pages_for(unit, today)
    allowed = {p.pk for p in pages}
    own = unit_of(request.user) == unit
    if request.method == "POST":
        if not own:
            raise PermissionDenied("只能为本单位读网。")
        if request.POST.get("action") == "problem":
            page_id = request.POST.get("page", "")
            text = request.POST.get("description", "").strip()
            kind = request.POST.get("kind", "")
            if not page_id.isdigit() or int(page_id) not in allowed:
                messages.error(request, "请选择今天要读的页面。")
            elif len(text) < 4 or kind not in ErrorKind.values:
                messages.error(request, "请选择问题类型并写明问题（至少4个字），以便责任单位整改。")
            else:
                page = Page.objects.get(pk=int(page_id))
                mark = rd.file_problem(request.user, unit, page, kind, text, today)
                messages.success(request, f"已登记问题并转为网站纠错 {mark.error_report.code}。")
                return redirect("monitoring_reading")
            context = _reading_context(request, unit, pages, today)
            context["problem"] = {"page": page_id, "kind": kind, "description": text}
            return render(request, "monitoring/reading.html", context)
        ids = [int(x) for x in request.POST.getlist("page") if x.isdigit() and int(x) in allowed]
        n = rd.mark_read(request.user, unit, [p for p in pages if p.pk in ids], today)
        messages.success(request, f"已标记 {n} 个页面为已读。")
        return redirect("monitoring_reading")
    return render(request, "monitoring/reading.html", _reading_context(request, unit, pages, today))


def _reading_context(request, unit, pages, today):

    marks = {m.page_id: m for m in ReadingMark.objects.filter(unit=unit, day=today).select_related("user")}
    rows = [{"page": p, "mark": marks.get(p.pk)} for p in pages]
    log = rd.log(unit, 30, today)
    return {
        "unit": unit,
        "today": today,
        "rows": rows,
        "log": log,
        "missing": [r["day"] for r in log if r["missing"]],
        "kinds": ErrorKind.choices,
        "own": unit_of(request.user) == unit,
        "problem": {},
    }
