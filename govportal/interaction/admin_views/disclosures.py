"""Disclosure requests (依申请公开): the list, a request with its actions, and the annual report's table."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from wagtail.admin import messages

from govportal.accounts.models import Unit
from govportal.accounts.permissions import unit_of

from .. import disclosure as disclosure_flow
from .. import transitions, workflow
from ..models import DisclosureRequest, DisclosureState
from ..permissions import (
    can_handle_disclosure,
    is_disclosure_approver,
    is_oversight,
    is_superuser,
    is_unit_staff,
    log_access,
    visible_disclosures,
)
from .common import PER_PAGE, locality_of, post_fields


def disclosure_list(request):
    user = request.user
    if not (is_unit_staff(user) or is_superuser(user)):
        raise PermissionDenied("只有受理机关的工作人员可以查看依申请公开。")
    qs = visible_disclosures(user).select_related("unit")
    state = request.GET.get("state", "")
    if state in DisclosureState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request,
        "interaction/admin/disclosures.html",
        {"title": "依申请公开", "page": page, "state": state, "states": DisclosureState.choices},
    )


# action posted -> what the form gives the step (``transitions.DISCLOSURES`` says who may, from which state).
DISCLOSURE_FORMS = {
    "confirm": post_fields(),
    "correction": post_fields("notice"),
    "consult": post_fields("third_party"),
    "end_consult": post_fields(),
    "extension": post_fields("workdays", "reason"),
    "approve_extension": post_fields(),
    "refuse_extension": post_fields(),
    "answer": post_fields("outcome", "reply"),
    "answer_spot": post_fields("outcome", "reply"),
}


def disclosure_detail(request, pk: int):
    req = get_object_or_404(DisclosureRequest.objects.select_related("unit"), pk=pk)
    user = request.user
    if not can_handle_disclosure(user, req):
        raise PermissionDenied("您没有查看这件申请的权限。")
    show_identity = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "show_identity":
                log_access(request, user, "申请人身份证件号码和联系方式", disclosure=req)
                show_identity = True
            else:
                read = DISCLOSURE_FORMS.get(action)
                if read is None:
                    raise workflow.WorkflowError("未知的操作。")
                if action == "correction":  # said before the state: the rule is the reason
                    disclosure_flow.request_correction(req, user, **read(request, req))
                else:
                    transitions.fire(req, action, user, **read(request, req))
                messages.success(request, "已保存。")
                return redirect("interaction_admin:disclosure", pk=pk)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        req.refresh_from_db()
    return render(
        request,
        "interaction/admin/disclosure.html",
        {
            "title": f"依申请公开 {req.code}",
            "req": req,
            "events": req.events.select_related("actor"),
            "outcomes": disclosure_flow.OUTCOME_CHOICES,
            "outcome_label": disclosure_flow.OUTCOME_LABELS.get(req.outcome, ""),
            "approver": is_disclosure_approver(user, req),
            "allowed": transitions.allowed(req, user),
            "show_identity": show_identity,
            "rules": disclosure_flow.disclosure_rules(req.locality),
            "posted": request.POST if request.method == "POST" else {},
        },
    )


def disclosure_report(request):
    user = request.user
    locality = locality_of(user)
    if not locality or not (is_unit_staff(user) or is_oversight(user, locality)):
        raise PermissionDenied("没有可查看的年度报表。")
    this_year = timezone.localdate().year
    year = int(request.GET.get("year")) if (request.GET.get("year") or "").isdigit() else this_year
    unit = None
    if is_oversight(user, locality) and not is_unit_staff(user):
        uid = request.GET.get("unit", "")
        unit = Unit.objects.filter(pk=uid, locality=locality).first() if uid.isdigit() else None
    else:
        unit = unit_of(user)
        if is_oversight(user, locality) and request.GET.get("unit") == "all":
            unit = None
    table = disclosure_flow.annual_report(locality, year, unit=unit)
    return render(
        request,
        "interaction/admin/disclosure_report.html",
        {
            "title": "政府信息公开工作年度报告（表三）",
            "table": table,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "unit": unit,
            "oversight": is_oversight(user, locality),
        },
    )
