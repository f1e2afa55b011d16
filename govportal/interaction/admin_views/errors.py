"""Error reports (网站纠错): the list and a report with its actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from wagtail.admin import messages

from .. import error_reports, transitions, workflow
from ..models import ErrorReport, ErrorState
from ..permissions import (
    error_centre_locality,
    is_error_centre,
    is_superuser,
    is_unit_staff,
    log_access,
    visible_error_reports,
)
from ..routing import routable_units
from .common import PER_PAGE, post_fields, unit_from_post


def error_list(request):
    user = request.user
    qs = visible_error_reports(user).select_related("unit")
    centre = bool(error_centre_locality(user)) or is_superuser(user)
    if not centre and not is_unit_staff(user):
        raise PermissionDenied("没有可查看的网站纠错。")
    state = request.GET.get("state", "")
    if state in ErrorState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request,
        "interaction/admin/errors.html",
        {"title": "网站纠错", "page": page, "state": state, "states": ErrorState.choices, "centre": centre},
    )


ERROR_FORMS = {
    "forward": (
        lambda request, report: {"unit": unit_from_post(request, "unit", report.locality)},
        "已转办。",
    ),
    "answer": (post_fields("text"), "已答复。"),
    "invalid": (post_fields("reason"), "已作无效处理。"),
}


def error_detail(request, pk: int):
    report = get_object_or_404(ErrorReport.objects.select_related("unit", "page"), pk=pk)
    user = request.user
    if not visible_error_reports(user).filter(pk=pk).exists():
        raise PermissionDenied("您没有查看这条纠错的权限。")
    centre = is_error_centre(user, report.locality)
    show_contact = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "show_contact":
                log_access(request, user, "纠错提交人姓名和联系方式", error_report=report)
                show_contact = True
            else:
                read, told = ERROR_FORMS.get(action, (None, ""))
                if read is None:
                    raise workflow.WorkflowError("未知的操作。")
                transitions.fire(report, action, user, **read(request, report))
                messages.success(request, told)
                return redirect("interaction_admin:error", pk=pk)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        report.refresh_from_db()
    return render(
        request,
        "interaction/admin/error.html",
        {
            "title": f"网站纠错 {report.code}",
            "report": report,
            "centre": centre,
            "units": routable_units(report.locality),
            "suggested": report.unit or error_reports.responsible_unit(report.page),
            "show_contact": show_contact,
            "allowed": transitions.allowed(report, user),
        },
    )
