"""Views of the publishing app.

Back office (under /admin/publishing/, registered by ``wagtail_hooks``): the review page a leader uses
on a phone, the reviewer's inbox, an item's review record, withdrawal, the publication register with
its xlsx export, the emergency countdown, fetching a feed now. Public: the JSON and RSS feeds of newly
published items.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site, TaskState, WorkflowState

from govportal.accounts.models import Unit
from govportal.accounts.permissions import is_site_admin, roles_of, unit_of
from govportal.notices.models import Notice
from govportal.notices.notifications import read_now
from govportal.portal.columns import home_for
from govportal.portal.homes import home_of
from govportal.portal.models import HomePage

from . import register as register_logic
from .categories import review_category
from .emergency import deadlines, emergency_rules
from .feeds_in import import_feed
from .feeds_out import json_feed, published_items, rss_feed
from .forms import WithdrawForm
from .interpretation import status_text
from .models import (
    FeedSubscription,
    Incident,
    InterpretationDue,
    RegisterEntry,
    ReviewDecision,
    Withdrawal,
)
from .publication import can_withdraw, is_item, is_locality_admin, locality_of, withdraw
from .publication import locality_of as page_locality
from .review import (
    CATEGORY_LABELS,
    ReviewRefused,
    approve_blockers,
    describe_finding,
    findings_for,
    item_info,
    may_act,
    role_labels,
    stage_applies,
)

# --- helpers -----------------------------------------------------------------------------------------------


def user_locality(request) -> str:
    unit = unit_of(request.user)
    if unit is not None:
        return unit.locality

    site = Site.find_for_request(request)
    root = site.root_page.specific if site else None
    if isinstance(root, HomePage) and root.locality:
        return root.locality
    home = HomePage.objects.exclude(locality="").first()
    return home.locality if home else ""


def _can_view_item(user, page, workflow_state=None) -> bool:
    if is_locality_admin(user, page):  # site administrators and the host office: of this locality only
        return True
    if workflow_state is not None and workflow_state.requested_by_id == user.pk:
        return True
    unit = unit_of(user)
    if unit and getattr(page, "unit_id", None) == unit.pk:
        return True
    if ReviewDecision.objects.filter(page_id=page.pk, user=user).exists():
        return True
    if workflow_state is not None:
        return (
            TaskState.objects.filter(workflow_state=workflow_state, reviewtaskstate__units=unit).exists()
            if unit
            else False
        )
    perms = page.permissions_for_user(user)
    return perms.can_edit()


def _rounds(page):
    """Every review round of ``page`` (newest first) with its stages and the decisions taken."""
    rounds = []
    states = (
        WorkflowState.objects.for_instance(page).order_by("-created_at", "-id").select_related("requested_by")
    )
    for ws in states:
        task_states = list(
            TaskState.objects.filter(workflow_state=ws)
            .select_related("task", "finished_by")
            .order_by("started_at", "id")
        )
        decisions = list(ReviewDecision.objects.filter(task_state__workflow_state=ws))
        by_state: dict[int, list] = {}
        for d in decisions:
            by_state.setdefault(d.task_state_id, []).append(d)
        rounds.append(
            {
                "state": ws,
                "steps": [
                    {"ts": ts, "task": ts.task, "decisions": by_state.get(ts.pk, []), "comment": ts.comment}
                    for ts in task_states
                    if ts.status != TaskState.STATUS_SKIPPED
                ],
                "skipped": [ts.task.name for ts in task_states if ts.status == TaskState.STATUS_SKIPPED],
            }
        )
    return rounds


def _route(workflow_state, info=None):
    """This item's route in this round (for the progress strip): the stages it passed or will pass;
    stages that do not apply to it (skipped, or not started and not applicable) are left out."""

    out = []
    for task in workflow_state.all_tasks_with_state():
        ts = task.task_state
        if ts is not None and ts.status == TaskState.STATUS_SKIPPED:
            continue
        if ts is None and info is not None:
            specific = task.specific
            if hasattr(specific, "stage_code") and not stage_applies(specific, info):
                continue
        out.append(
            {
                "name": task.name,
                "status": ts.status if ts else "not_started",
                "status_label": ts.get_status_display() if ts else "未开始",
                "current": bool(ts and ws_current(workflow_state) == ts.pk),
            }
        )
    return out


def ws_current(workflow_state):
    return workflow_state.current_task_state_id


# --- the review page (phone first) -----------------------------------------------------------------------


def review(request, state_id: int):
    state = get_object_or_404(TaskState, pk=state_id).specific
    task = state.task.specific
    ws = state.workflow_state
    info = item_info(ws)
    can_act = hasattr(task, "stage_code") and may_act(task, state, request.user)
    if not can_act and not _can_view_item(request.user, info.page, ws):
        raise PermissionDenied("您不是本信息的审核人，不能查看。")
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {}
    if can_act:
        for name in ("approve", "reject"):
            form_class = task.get_form_for_action(name)
            bound = request.POST if action == name else None
            forms[name] = form_class(bound, prefix=name)
    if request.method == "POST":
        if not can_act:
            messages.error(request, "您不能办理本环节：须由本环节指定单位的相应角色办理，或本环节已经办结。")
            return redirect("publishing_review", state_id=state.pk)
        form = forms.get(action)
        if form is not None and form.is_valid():
            try:
                task.on_action(state, request.user, action, **form.cleaned_data)
            except ReviewRefused as exc:
                messages.error(request, str(exc))
            else:
                state.refresh_from_db()
                if action == "approve":
                    if state.status == TaskState.STATUS_IN_PROGRESS:
                        messages.success(request, f"已同意《{info.page.title}》，等待其他联合发布单位会签。")
                    else:
                        messages.success(request, f"已审核通过《{info.page.title}》（{task.name}）。")
                else:
                    messages.success(request, f"已将《{info.page.title}》退回信息员修改。")
                return redirect("publishing_inbox")
        elif form is None:
            messages.error(request, "请选择“审核通过”或“退回修改”。")
    revision = ws.content_object.get_latest_revision()
    findings = findings_for(revision)
    blockers = approve_blockers(task, state, request.user) if can_act else []
    body = getattr(info.page, "body", "")

    context = {
        "interpretation_note": status_text(info.page, locality_of(ws.content_object)),
        "state": state,
        "task": task,
        "ws": ws,
        "info": info,
        "page": info.page,
        "body": body,
        "route": _route(ws, info),
        "decisions": ReviewDecision.objects.filter(task_state__workflow_state=ws),
        "findings": [(f, describe_finding(f)) for f in findings],
        "blocking_count": sum(1 for f in findings if f.get("severity") == "blocking"),
        "can_act": can_act,
        "blockers": blockers,
        "approve_form": forms.get("approve"),
        "reject_form": forms.get("reject"),
        "open_form": action or "",
        "acting_units": "、".join(u.name for u in state.units.all()) if hasattr(state, "units") else "",
        "roles_text": role_labels(getattr(task, "roles", [])),
        "column_path": register_logic.column_path(info.page, home_of(info.page)),
        "preview_url": reverse("wagtailadmin_pages:workflow_preview", args=[ws.object_id, task.pk]),
        "edit_url": reverse("wagtailadmin_pages:edit", args=[ws.object_id]),
    }
    return render(request, "publishing/review.html", context)


def inbox(request):
    states = (
        TaskState.objects.reviewable_by(request.user)
        .select_related("workflow_state", "task", "workflow_state__requested_by")
        .order_by("started_at")
    )
    rows = []
    for ts in states:
        page = ts.workflow_state.content_object
        if page is None:
            continue
        rows.append({"state": ts, "page": page, "task": ts.task, "waiting": timezone.now() - ts.started_at})
    notices = list(Notice.objects.filter(user=request.user)[:30])
    fresh = read_now(notices)
    mine = [
        (ws, _outcome(ws))
        for ws in WorkflowState.objects.filter(requested_by=request.user)
        .exclude(status=WorkflowState.STATUS_CANCELLED)
        .select_related("current_task_state__task")
        .order_by("-created_at")[:15]
    ]
    return render(
        request,
        "publishing/inbox.html",
        {"rows": rows, "notices": notices, "fresh": fresh, "mine": mine},
    )


def _outcome(ws) -> str:
    """Where a submitted item stands, as its submitter would say it."""
    if ws.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return f"退回修改（{ws.current_task_state.task.name}）" if ws.current_task_state else "退回修改"
    if ws.status == WorkflowState.STATUS_IN_PROGRESS:
        return f"审核中（{ws.current_task_state.task.name}）" if ws.current_task_state else "审核中"
    page = ws.content_object
    if page is None:
        return "已删除"
    if page.live:
        return "已发布"
    if Withdrawal.objects.filter(page_id=page.pk).exists():
        return "已撤回"
    if InterpretationDue.objects.filter(document_id=page.pk, mode="hold", satisfied_at__isnull=True).exists():
        return "已通过，待与政策解读同步发布"
    if page.go_live_at and page.go_live_at > timezone.now():
        return f"已通过，定时发布 {timezone.localtime(page.go_live_at):%m-%d %H:%M}"
    return "已通过"


def item_status(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not is_item(page):
        raise Http404("不是信息页面")
    if not _can_view_item(request.user, page):
        raise PermissionDenied("您不能查看本信息的审核记录。")
    rounds = _rounds(page)
    revision = page.get_latest_revision()
    findings = findings_for(revision) if revision else []
    return render(
        request,
        "publishing/item.html",
        {
            "page": page,
            "rounds": rounds,
            "category": CATEGORY_LABELS.get(review_category(page, page_locality(page)), ""),
            "findings": [(f, describe_finding(f)) for f in findings],
            "withdrawals": Withdrawal.objects.filter(page=page),
            "register": RegisterEntry.objects.filter(page_ref=page.pk).first(),
            "can_withdraw": can_withdraw(request.user, page),
        },
    )


def withdraw_view(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not is_item(page):
        raise Http404("不是信息页面")
    if not page.live:
        messages.info(request, f"《{page.title}》当前未在网上发布，无需撤回。")
        return redirect("publishing_item", page_id=page.pk)
    if not can_withdraw(request.user, page):
        raise PermissionDenied("只有发布单位的负责人、网站管理员或主办单位可以撤回已发布的信息。")
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            withdraw(page, request.user, form.cleaned_data["reason"])
            messages.success(request, f"《{page.title}》已从网站撤回，撤回记录已留存。")
            return redirect("publishing_item", page_id=page.pk)
    else:
        form = WithdrawForm()
    return render(request, "publishing/withdraw.html", {"page": page, "form": form})


# --- the publication register ---------------------------------------------------------------------------


def register_view(request):
    locality = user_locality(request)
    roles = roles_of(request.user)
    if not (is_site_admin(request.user) or roles & {"host_office", "operator"} or request.user.is_superuser):
        raise PermissionDenied("发布登记簿由主办单位、承办单位和网站管理员查看。")
    entries = RegisterEntry.objects.filter(locality=locality)
    years = sorted(set(entries.values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    if year.isdigit():
        entries = entries.filter(year=int(year))
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        entries = entries.filter(Q(title__icontains=q) | Q(document_number__icontains=q))
    entries = entries.order_by("-year", "-serial")
    if request.GET.get("format") == "xlsx":
        title = f"发布登记簿（以政府名义发布的信息）{year + '年' if year else ''}"
        data = register_logic.export_xlsx(entries, title)
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"publication-register-{locality}-{year or 'all'}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "publishing/register.html",
        {"entries": entries, "years": years, "year": year, "q": q, "status_of": register_logic.status_of},
    )


# --- emergencies ----------------------------------------------------------------------------------------


def incident_rows(incidents, now=None):
    now = now or timezone.now()
    return [
        {
            "incident": i,
            "deadlines": [
                {
                    "d": d,
                    "state": d.state(now),
                    "text": d.remaining_text(now),
                    "due_ts": int(d.due.timestamp()),
                }
                for d in deadlines(i)
            ],
        }
        for i in incidents
    ]


def emergencies(request):
    locality = user_locality(request)
    open_ = Incident.objects.filter(locality=locality, closed_at__isnull=True).prefetch_related("units")
    closed = Incident.objects.filter(locality=locality, closed_at__isnull=False)[:20]
    return render(
        request,
        "publishing/emergencies.html",
        {
            "rows": incident_rows(open_),
            "closed": closed,
            "rules": emergency_rules(locality),
            "can_add": request.user.has_perm("publishing.add_incident"),
        },
    )


@require_POST
def incident_done(request, pk: int, what: str):
    incident = get_object_or_404(Incident, pk=pk)
    unit = unit_of(request.user)
    same_place = request.user.is_superuser or (unit is not None and unit.locality == incident.locality)
    allowed = same_place and (
        is_site_admin(request.user)
        or "host_office" in roles_of(request.user)
        or (unit is not None and incident.units.filter(pk=unit.pk).exists())
    )
    if not allowed:
        raise PermissionDenied("只有本地区的责任单位、主办单位或网站管理员可以登记完成情况。")
    field = {
        "first_release": "first_release_at",
        "press_conference": "press_conference_at",
        "response": "response_at",
        "close": "closed_at",
    }.get(what)
    if field is None:
        raise Http404
    if getattr(incident, field) is None:
        setattr(incident, field, timezone.now())
        incident.save(update_fields=[field])
        messages.success(request, f"已登记：{incident.title}")
    return redirect("publishing_emergencies")


# --- interpretations ---------------------------------------------------------------------------------------


def interpretations(request):
    locality = user_locality(request)
    dues = InterpretationDue.objects.filter(locality=locality).select_related(
        "document", "unit", "interpretation"
    )
    wide = is_site_admin(request.user) or roles_of(request.user) & {"host_office", "operator"}
    if not wide:
        unit = unit_of(request.user)
        dues = dues.filter(unit=unit) if unit else dues.none()
    now = timezone.now()
    rows = [
        {
            "due": d,
            "overdue": d.satisfied_at is None and d.due_at is not None and d.due_at < now,
        }
        for d in dues.order_by("satisfied_at", "due_at", "-created_at")[:200]
    ]
    return render(request, "publishing/interpretations.html", {"rows": rows})


# --- feeds ------------------------------------------------------------------------------------------------


@require_POST
def feed_fetch(request, pk: int):
    if not (is_site_admin(request.user) or request.user.is_superuser):
        raise PermissionDenied("只有网站管理员可以抓取采集订阅。")

    sub = get_object_or_404(FeedSubscription.objects.select_related("column"), pk=pk)
    if not is_locality_admin(request.user, sub.column):
        raise PermissionDenied("只能抓取本地区网站的采集订阅。")
    log = import_feed(sub)
    (messages.success if log.status == "ok" else messages.error)(request, f"{sub.name}：{log.message}")
    return redirect(request.POST.get("next") or reverse("publishing_feeds"))


def feeds_overview(request):
    if not (is_site_admin(request.user) or request.user.is_superuser):
        raise PermissionDenied("只有网站管理员可以管理信息采集订阅。")
    subs = FeedSubscription.objects.select_related("column").prefetch_related("logs")
    if not request.user.is_superuser:
        home = home_for(user_locality(request))
        subs = subs.filter(column__path__startswith=home.path) if home else subs.none()
    return render(request, "publishing/feeds.html", {"subs": subs})


# --- public feeds ------------------------------------------------------------------------------------------


def _home_for_request(request):
    site = Site.find_for_request(request)
    root = site.root_page.specific if site else None
    if not isinstance(root, HomePage):
        raise Http404("本站没有门户首页")
    return root


def _feed_items(request):

    home = _home_for_request(request)
    unit = None
    code = request.GET.get("unit", "").strip()
    if code:
        unit = Unit.objects.filter(locality=home.locality, code=code).first()
        if unit is None:
            raise Http404(f"没有代码为 {code} 的单位")
    return home, published_items(home, unit)


def feed_json(request):

    home, items = _feed_items(request)
    data = json_feed(home, items, request, request.build_absolute_uri())
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/feed+json; charset=utf-8"
    return response


def feed_rss(request):

    home, items = _feed_items(request)
    return HttpResponse(
        rss_feed(home, items, request, request.build_absolute_uri()),
        content_type="application/rss+xml; charset=utf-8",
    )
