"""Back-office views (under /admin/annual/) and the public pages (/nianbao/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from govportal import documents
from govportal.accounts.models import Unit, UnitKind
from govportal.accounts.permissions import unit_of
from govportal.exports import XLSX_CONTENT_TYPE
from govportal.interaction.permissions import is_oversight, is_superuser
from govportal.interaction.views import site_locality
from govportal.portal.calendar import holiday_warning
from govportal.portal.models import HomePage

from . import disclosure as dis
from . import figures, output
from .forms import DisclosureReportForm, WebsiteReportForm, publish_problems
from .models import REVIEW_GROUPS, REVIEW_RESULTS, DisclosureReport, WebsiteReport
from .permissions import can_use, check_unit_report, locality_of
from .rules import annual_rules


def forbidden_as_403(view):
    """Wagtail turns PermissionDenied into a redirect to the dashboard; here the refusal is a 403 page that
    says in Chinese whose report it is."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(
                request,
                "annual/admin/denied.html",
                {"title": "没有权限", "message": str(exc) or "没有权限查看这份年度报告。"},
                status=403,
            )

    return wrapped


REPORT_UNIT_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.HOST_OFFICE, UnitKind.OPERATOR)


def _year(request) -> int:
    this = timezone.localdate().year
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if raw.isdigit() else this - 1
    return min(max(year, 2000), this)


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


def _locality(request) -> str:
    user = request.user
    if not can_use(user):
        raise PermissionDenied("只有各单位工作人员和主办单位可以编制年度报告。")
    loc = locality_of(user)
    if not loc and is_superuser(user):
        loc = HomePage.objects.exclude(locality="").values_list("locality", flat=True).first() or ""
    return loc


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"annual.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@forbidden_as_403
def index(request):
    locality = _locality(request)
    user = request.user
    year = _year(request)
    rules = annual_rules(locality)
    oversight = is_oversight(user, locality)
    own = unit_of(user)
    sites = []
    for site in figures.sites_of(locality):
        unit = None if figures.is_portal(site) else figures.site_unit(site)
        if oversight or is_superuser(user) or (unit is not None and own is not None and unit.pk == own.pk):
            report = WebsiteReport.objects.filter(site=site, year=year).first()
            sites.append({"site": site, "unit": unit, "report": report})
    units = []
    if oversight or is_superuser(user):
        units.append({"unit": None, "name": DisclosureReport(locality=locality).owner_name, "key": "gov"})
        qs = Unit.objects.filter(locality=locality, kind__in=REPORT_UNIT_KINDS)
    else:
        qs = Unit.objects.filter(pk=own.pk) if own else Unit.objects.none()
    units += [{"unit": u, "name": u.name, "key": str(u.pk)} for u in qs]
    for entry in units:
        entry["report"] = DisclosureReport.objects.filter(
            locality=locality, unit=entry["unit"], year=year
        ).first()
    website_remind, fallback = rules.remind_on("website", year)
    return render(
        request,
        "annual/admin/index.html",
        {
            "title": "年度报告",
            "year": year,
            "years": _years(),
            "sites": sites,
            "units": units,
            "rules": rules,
            "website_due": rules.due("website", year),
            "department_due": rules.due("department", year),
            "government_due": rules.due("government", year),
            "website_remind": website_remind,
            "fallback": holiday_warning(fallback),
        },
    )


# --- 政府网站工作年度报表 -------------------------------------------------------------------------------


def _site_and_unit(locality: str, site_id: int):
    site = get_object_or_404(Page, pk=site_id)
    if figures.site_locality(site) != locality or not (
        figures.is_portal(site) or hasattr(site.specific, "unit")
    ):
        raise Http404("没有这个网站。")
    unit = None if figures.is_portal(site) else figures.site_unit(site)
    return site.specific, unit


@forbidden_as_403
def website(request, site_id: int, year: int):
    locality = _locality(request)
    site, unit = _site_and_unit(locality, site_id)
    owner = unit.name if unit else site.title
    check_unit_report(request.user, locality, unit, edit=request.method == "POST", owner=owner)
    report = WebsiteReport.objects.filter(site=site, year=year).first()
    instance = report or WebsiteReport(locality=locality, site=site, unit=unit, year=year)
    rules = annual_rules(locality)
    form = WebsiteReportForm(request.POST or None, instance=instance)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "unpublish" and report and report.published_at:
            report.published_at, report.figures = None, {}
            report.save()
            messages.success(request, "已撤回公开，可以修改后重新公开。")
            return redirect(request.path)
        if report and report.published_at:
            messages.error(request, "本报表已公开，数据已固定；如需修改，请先撤回公开。")
        elif form.is_valid():
            obj = form.save(commit=False)
            obj.updated_by = request.user
            if action == "publish":
                obj.figures = figures.as_json(figures.website_table(site, year, obj))
                obj.published_at, obj.published_by = timezone.now(), request.user
            obj.save()
            if action == "publish":
                messages.success(request, f"已在网站公开（{rules.website_cite}）。")
            else:
                messages.success(request, "已保存。")
            return redirect(request.path)
        else:
            messages.error(request, "填写有误，请按提示修改（已填写的内容都保留着）。")
    if report and report.published_at:
        sections = figures.from_json(report.figures)
    else:
        sections = figures.website_table(site, year, form.instance if not form.is_bound else report)
    return render(
        request,
        "annual/admin/website.html",
        {
            "title": f"{year}年度政府网站工作年度报表：{site.title}",
            "site": site,
            "year": year,
            "report": report,
            "form": form,
            "sections": sections,
            "due": rules.due("website", year),
            "rules": rules,
        },
    )


@forbidden_as_403
def website_xlsx(request, site_id: int, year: int):
    locality = _locality(request)
    site, unit = _site_and_unit(locality, site_id)
    check_unit_report(request.user, locality, unit, edit=False, owner=unit.name if unit else site.title)
    report = WebsiteReport.objects.filter(site=site, year=year).first()
    if report and report.published_at:
        sections = figures.from_json(report.figures)
    else:
        sections = figures.website_table(site, year, report)
    data = output.website_xlsx(f"{year}年度政府网站工作年度报表", [(site.title, sections)])
    return _xlsx(data, f"{year}年度政府网站工作年度报表-{site.title}.xlsx")


@forbidden_as_403
def website_all_xlsx(request, year: int):
    locality = _locality(request)
    if not (is_oversight(request.user, locality) or is_superuser(request.user)):
        raise PermissionDenied("全平台各网站的年度报表只有主办单位和网站管理员可以导出。")
    sheets = []
    for site in figures.sites_of(locality):
        report = WebsiteReport.objects.filter(site=site, year=year).first()
        sections = figures.from_json(report.figures) if report and report.published_at else None
        sheets.append((site.title, sections or figures.website_table(site.specific, year, report)))
    return _xlsx(
        output.website_xlsx(f"{year}年度政府网站工作年度报表", sheets), f"{year}年度政府网站工作年度报表.xlsx"
    )


# --- 政府信息公开工作年度报告 ---------------------------------------------------------------------------


def _disclosure_report(request, key: str, year: int, *, edit: bool) -> DisclosureReport:
    locality = _locality(request)
    if key == "gov":
        unit = None
    else:
        unit = get_object_or_404(Unit, pk=int(key)) if key.isdigit() else None
        if unit is None or unit.locality != locality:
            raise Http404("没有这个单位。")
    report = DisclosureReport.objects.filter(locality=locality, unit=unit, year=year).first()
    report = report or DisclosureReport(locality=locality, unit=unit, year=year)
    check_unit_report(request.user, locality, unit, edit=edit, owner=report.owner_name)
    return report


@forbidden_as_403
def disclosure(request, key: str, year: int):
    report = _disclosure_report(request, key, year, edit=request.method == "POST")
    rules = annual_rules(report.locality)
    form = DisclosureReportForm(request.POST or None, instance=report)
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "unpublish" and report.published_at:
            report.published_at, report.snapshot = None, {}
            report.save()
            messages.success(request, "已撤回公布，可以修改后重新公布。")
            return redirect(request.path)
        if report.published_at:
            messages.error(request, "本报告已公布，表格已固定；如需修改，请先撤回公布。")
        elif form.is_valid():
            obj = form.save(commit=False)
            problems = publish_problems(obj) if action == "publish" else []
            if not problems:
                obj.updated_by = request.user
                if action == "publish":
                    obj.snapshot = dis.as_json(dis.tables(obj))
                    obj.published_at, obj.published_by = timezone.now(), request.user
                obj.save()
                messages.success(
                    request, f"已公布（{rules.disclosure_cite}）。" if action == "publish" else "草稿已保存。"
                )
                return redirect(request.path)
            messages.error(request, "还不能公布：" + "；".join(problems))
        else:
            messages.error(request, "填写有误，请按提示修改（已填写的内容都保留着）。")
    kind = "department" if report.unit_id else "government"
    return render(
        request,
        "annual/admin/disclosure.html",
        {
            "title": f"{report.owner_name}{year}年政府信息公开工作年度报告",
            "report": report,
            "key": request.resolver_match.kwargs["key"],
            "year": year,
            "form": form,
            "tables": dis.current_tables(report),
            "problems": problems,
            "due": rules.due(kind, year),
            "rules": rules,
            "table_four_rows": [
                (glabel, [form[f"{g}_{r}"] for r, _ in dis_results()]) for g, glabel in dis_groups()
            ],
            "result_labels": [label for _, label in dis_results()],
        },
    )


def dis_groups():

    return REVIEW_GROUPS


def dis_results():

    return REVIEW_RESULTS


@forbidden_as_403
def disclosure_file(request, key: str, year: int, fmt: str):
    if fmt not in ("xlsx", "docx", "pdf"):
        raise Http404("没有这种文件格式。")
    report = _disclosure_report(request, key, year, edit=False)
    tables = dis.current_tables(report)
    name = f"{report.owner_name}{year}年政府信息公开工作年度报告"
    if fmt == "xlsx":
        return _xlsx(output.disclosure_xlsx(report, tables), name + ".xlsx")
    doc = output.disclosure_document(report, tables)

    if fmt == "docx":
        return documents.docx_response(doc, name + ".docx")
    return documents.pdf_response(doc, name + ".pdf")


# --- public pages -------------------------------------------------------------------------------------


def _public_locality(request) -> tuple[object, str]:
    _site, home, locality = site_locality(request)
    return home, locality


def public_index(request):
    home, locality = _public_locality(request)
    site_ids = [s.pk for s in figures.sites_of(locality)]
    websites = WebsiteReport.objects.filter(site_id__in=site_ids, published_at__isnull=False).select_related(
        "site"
    )
    reports = DisclosureReport.objects.filter(locality=locality, published_at__isnull=False).select_related(
        "unit"
    )
    return render(
        request,
        "annual/public_index.html",
        {"websites": websites, "reports": reports, "rules": annual_rules(locality), "home": home},
    )


def public_website(request, pk: int):
    home, locality = _public_locality(request)
    report = get_object_or_404(WebsiteReport, pk=pk, locality=locality, published_at__isnull=False)
    return render(
        request,
        "annual/public_website.html",
        {"report": report, "sections": figures.from_json(report.figures), "rules": annual_rules(locality)},
    )


def public_disclosure(request, pk: int):
    home, locality = _public_locality(request)
    report = get_object_or_404(DisclosureReport, pk=pk, locality=locality, published_at__isnull=False)
    return render(
        request,
        "annual/public_disclosure.html",
        {"report": report, "tables": dis.from_json(report.snapshot), "rules": annual_rules(locality)},
    )


def admin_url(name: str, *args) -> str:
    return reverse(f"annual_admin:{name}", args=args)
