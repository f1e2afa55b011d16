"""Back-office views: the centre's and a unit's work-order lists, a letter with its actions, statistics,
FAQs, notices, the personal-data access log, error reports and disclosure requests.

Every view checks the role itself (``permissions``); the menu only shows what a role may use.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from wagtail.admin import messages

from govportal.accounts.models import Unit
from govportal.accounts.permissions import roles_of, unit_of
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import mark_read

from . import deadlines, error_reports, transitions, workflow
from . import disclosure as disclosure_flow
from .faq import faq_from_letter
from .models import (
    OPEN_STATES,
    DisclosureRequest,
    DisclosureState,
    ErrorReport,
    ErrorState,
    Extension,
    ExtensionState,
    Faq,
    Letter,
    LetterAttachment,
    LetterState,
    OrderState,
    PersonalDataAccess,
    Publication,
    ReplyOutcome,
    WorkOrder,
)
from .permissions import (
    can_download_attachments,
    can_handle_disclosure,
    can_see_contact,
    can_see_full_letter,
    can_view_letter,
    centre_locality,
    error_centre_locality,
    is_centre,
    is_disclosure_approver,
    is_error_centre,
    is_oversight,
    is_superuser,
    is_unit_staff,
    log_access,
    unit_order,
    visible_disclosures,
    visible_error_reports,
)
from .routing import routable_units, suggest_units
from .rules import letter_rules
from .stats import charts_for, error_report_stats, letter_stats
from .text import mask_personal_data

PER_PAGE = 30


def _locality_of(user) -> str | None:
    unit = unit_of(user)
    if unit:
        return unit.locality
    if is_superuser(user):
        from govportal.portal.models import HomePage

        home = HomePage.objects.exclude(locality="").first()
        return home.locality if home else None
    return None


def _due_filter(qs, due: str, field: str = "due_date", done_field: str = "answered_at"):
    """Filter by deadline: overdue / soon (within the profile's due-soon window) / none."""
    today = deadlines.today()
    if due == "overdue":
        return qs.filter(**{f"{field}__lt": today, f"{done_field}__isnull": True})
    if due == "soon":
        limit = deadlines.add_workdays(today, 1)
        return qs.filter(**{f"{field}__gte": today, f"{field}__lte": limit, f"{done_field}__isnull": True})
    return qs


# --- lists ---------------------------------------------------------------------------------------------------


def centre_list(request):
    user = request.user
    locality = centre_locality(user) or (_locality_of(user) if is_superuser(user) else None)
    if not locality or not is_centre(user, locality):
        raise PermissionDenied("只有12345热线管理中心可以查看全部来信。")
    rules = letter_rules(locality)
    qs = Letter.objects.filter(locality=locality).select_related("lead_unit")
    f = {k: request.GET.get(k, "") for k in ("state", "type", "unit", "due", "q")}
    if f["state"] == "held":
        qs = qs.filter(state=LetterState.RECEIVED).exclude(hold_reason="")
    elif f["state"] == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif f["state"] == "extension":
        qs = qs.filter(extensions__state=ExtensionState.PENDING).distinct()
    elif f["state"] in LetterState.values:
        qs = qs.filter(state=f["state"])
    if f["type"]:
        qs = qs.filter(type=f["type"])
    if f["unit"].isdigit():
        qs = qs.filter(lead_unit_id=int(f["unit"]))
    # The centre's deadline runs until the answer is sent out (an approved reply still waits for it).
    qs = _due_filter(qs, f["due"], done_field="concluded_at")
    if f["due"]:
        qs = qs.exclude(state=LetterState.MERGED)
    if f["q"]:
        qs = qs.filter(Q(query_code__iexact=f["q"].strip()) | Q(subject__icontains=f["q"].strip()))
    counts = dict(
        Letter.objects.filter(locality=locality).values_list("state").annotate(n=Count("id")).order_by()
    )
    held = (
        Letter.objects.filter(locality=locality, state=LetterState.RECEIVED).exclude(hold_reason="").count()
    )
    pending_ext = Extension.objects.filter(letter__locality=locality, state=ExtensionState.PENDING).count()
    page = Paginator(qs.order_by("due_date", "-received_at") if f["due"] else qs, PER_PAGE).get_page(
        request.GET.get("p")
    )
    return render(
        request,
        "interaction/admin/letters.html",
        {
            "title": "热线中心工单",
            "centre": True,
            "page": page,
            "f": f,
            "states": LetterState.choices,
            "types": rules.type_choices,
            "units": routable_units(locality),
            "counts": counts,
            "held": held,
            "pending_ext": pending_ext,
            "rules": rules,
        },
    )


def unit_list(request):
    user = request.user
    unit = unit_of(user)
    if not unit or not is_unit_staff(user):
        raise PermissionDenied("只有责任单位的工作人员可以查看本单位工单。")
    rules = letter_rules(unit.locality)
    orders = WorkOrder.objects.filter(unit=unit).select_related("letter", "handler")
    f = {k: request.GET.get(k, "") for k in ("state", "type", "due")}
    if f["state"] in OrderState.values:
        orders = orders.filter(state=f["state"])
    elif not f["state"]:
        orders = orders.filter(state=OrderState.OPEN)
    if f["type"]:
        orders = orders.filter(letter__type=f["type"])
    orders = _due_filter(orders, f["due"], "letter__due_date", "letter__answered_at")
    page = Paginator(orders.order_by("letter__due_date", "-dispatched_at"), PER_PAGE).get_page(
        request.GET.get("p")
    )
    waiting_review = Letter.objects.filter(lead_unit=unit, state=LetterState.REVIEW).count()
    return render(
        request,
        "interaction/admin/unit_orders.html",
        {
            "title": f"本单位工单（{unit.name}）",
            "unit": unit,
            "page": page,
            "f": f,
            "order_states": OrderState.choices,
            "types": rules.type_choices,
            "waiting_review": waiting_review,
            "is_leader": bool(roles_of(user) & set(rules.reply_approver_roles)),
        },
    )


# --- one letter ----------------------------------------------------------------------------------------------


def _letter_actions(user, letter: Letter) -> dict:
    """What the letter page offers ``user``: the actions the table allows now (``transitions.allowed``)."""
    rules = letter_rules(letter.locality)
    can = transitions.allowed(letter, user)
    centre = is_centre(user, letter.locality)
    return {
        "centre": centre,
        "order": unit_order(user, letter),
        "triage": bool(can & {"reject", "merge", "dispatch"}),
        "accept": "accept" in can and not letter.accepted_at,
        "publish": "publish" in can,
        "unpublish": "unpublish" in can and letter.publication == Publication.PUBLISHED,
        "to_faq": centre and letter.state == LetterState.CONCLUDED and bool(letter.reply_text),
        "draft": "save_draft" in can,
        "return": bool(can & {"return", "co_return"}),
        "opinion": "opinion" in can,
        "review": bool(can & {"approve", "send_back"}),
        "assign": "assign" in can,
        "extend": "request_extension" in can,
        "decide_extension": "approve_extension" in can,
        "extendable": rules.type(letter.type).extendable,
        "contact": can_see_contact(user, letter),
    }


def letter_detail(request, pk: int):
    letter = get_object_or_404(
        Letter.objects.select_related("lead_unit", "target_unit", "duplicate_of"), pk=pk
    )
    user = request.user
    if not can_view_letter(user, letter):
        raise PermissionDenied("您没有查看这件信件的权限：单位只能查看派给本单位的工单。")
    rules = letter_rules(letter.locality)
    show_contact = False
    posted = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        posted = request.POST
        if action == "show_contact":
            if not can_see_contact(user, letter):
                raise PermissionDenied("您无权查看来信人的联系方式。")
            log_access(request, user, "来信人姓名和联系方式", letter=letter)
            show_contact = True
        else:
            try:
                message = _do_letter_action(request, letter, action)
            except workflow.WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, message)
                letter.refresh_from_db()
                if not can_view_letter(user, letter):  # e.g. the unit returned a misrouted order
                    return redirect("interaction_admin:home")
                return redirect("interaction_admin:letter", pk=letter.pk)
        letter.refresh_from_db()
    acts = _letter_actions(user, letter)
    reply = letter.replies.first()
    suggestions = suggest_units(letter) if acts["triage"] else []
    similar = []
    if acts["triage"]:
        similar = (
            Letter.objects.filter(
                locality=letter.locality, received_at__gte=letter.received_at - timedelta(days=60)
            )
            .exclude(pk=letter.pk)
            .exclude(state__in=[LetterState.MERGED, LetterState.REJECTED])
            .filter(
                Q(content_key=letter.content_key)
                | Q(contact_key=letter.contact_key, contact_key__gt="")
                | Q(subject=letter.subject)
            )[:10]
        )
    preview = workflow.public_texts(letter) if acts["publish"] else {}
    mark_read(user=user, about=letter)
    unit = unit_of(user)
    handlers = []
    if acts["assign"] and unit:
        handlers = list(staff_of(unit))
    ltype = rules.type(letter.type)
    masked = mask_personal_data(letter.content, names=(letter.writer_name,), extra=(letter.writer_contact,))
    letter_text = masked
    if can_see_full_letter(user, letter):
        letter_text = letter.content
        if masked != letter.content:  # the text holds personal data: every view of it is logged
            log_access(request, user, "来信内容（含个人信息）", letter=letter)
    return render(
        request,
        "interaction/admin/letter.html",
        {
            "title": f"信件 {letter.query_code}",
            "letter": letter,
            "rules": rules,
            "ltype": ltype,
            "acts": acts,
            "orders": letter.orders.select_related("unit", "handler", "returned_by"),
            "reply": reply,
            "events": letter.events.select_related("actor"),
            "extensions": letter.extensions.select_related("unit", "requested_by", "decided_by"),
            "attachments": letter.attachments.all(),
            "letter_text": letter_text,
            "text_masked": letter_text != letter.content,
            "may_download": can_download_attachments(user, letter),
            "show_contact": show_contact,
            "suggestions": suggestions,
            "similar": similar,
            "merge_default": similar[0].query_code if similar else "",
            "units": routable_units(letter.locality),
            "preview": preview,
            "outcomes": ReplyOutcome.choices,
            "exclusions": rules.exclusions,
            "handlers": handlers,
            "posted": posted,
            "ext_limit": int(ltype.deadline_workdays * float(rules.extension_max_factor)),
        },
    )


def _unit_from_post(request, name: str, locality: str) -> Unit | None:
    value = request.POST.get(name, "")
    if not value.isdigit():
        return None
    return Unit.objects.filter(pk=int(value), locality=locality).first()


def _merge_form(request, letter: Letter) -> dict:
    code = request.POST.get("primary", "").strip().upper()
    primary = Letter.objects.filter(query_code=code, locality=letter.locality).first()
    if primary is None:
        raise workflow.WorkflowError(f"没有查询码为“{code}”的信件。")
    return {"primary": primary}


def _dispatch_form(request, letter: Letter) -> dict:
    lead = _unit_from_post(request, "lead", letter.locality) or _unit_from_post(
        request, "lead_suggested", letter.locality
    )
    if lead is None:
        raise workflow.WorkflowError("请选择主办单位。")
    chosen = [v for v in request.POST.getlist("co") if v.isdigit()]
    co = list(Unit.objects.filter(pk__in=chosen, locality=letter.locality))
    return {"lead": lead, "co_units": co, "note": request.POST.get("note", "")}


def _assign_form(request, letter: Letter) -> dict:
    pk = request.POST.get("handler") or 0
    handler = get_user_model().objects.filter(pk=pk, staff__unit=unit_of(request.user)).first()
    if handler is None:
        raise workflow.WorkflowError("请选择本单位的经办人。")
    return {"handler": handler}


def _publish_form(request, letter: Letter) -> dict:
    post = request.POST
    public = post.get("make_public") == "1"
    texts = {k: post.get(k) if public else None for k in ("public_subject", "public_content", "public_reply")}
    return {
        "make_public": public,
        "exclusion": post.get("exclusion", ""),
        "note": post.get("note", ""),
        **texts,
    }


def _extension_form(request, letter: Letter) -> dict:
    ext = get_object_or_404(Extension, pk=request.POST.get("extension") or 0, letter=letter)
    return {"ext": ext, "note": request.POST.get("note", "")}


def _fields(*names: str, **renamed: str):
    """A form reader passing POST fields on as they are (``renamed``: step argument = POST field)."""
    pairs = [(n, n) for n in names] + list(renamed.items())
    return lambda request, letter: {arg: request.POST.get(field, "") for arg, field in pairs}


# action posted -> (what the form gives the step, what the user is told). Who may and from which state is
# the table (``transitions.LETTERS``); ``fire()`` checks it.
LETTER_FORMS = {
    "accept": (_fields(), "已受理。"),
    "reject": (_fields("reason"), "已作不予受理处理，理由已告知来信人。"),
    "merge": (_merge_form, "已合并到信件 {letter.duplicate_of.query_code}。"),
    "dispatch": (_dispatch_form, "已派单至{letter.lead_unit.name}，期限 {letter.due_date:%Y年%m月%d日}。"),
    "return": (_fields("reason"), "已退回热线中心。"),
    "opinion": (_fields(text="opinion"), "协办意见已提交。"),
    "assign": (_assign_form, "已指定经办人。"),
    "save_draft": (_fields("text", "outcome"), "草稿已保存。"),
    "submit_reply": (_fields("text", "outcome"), "答复已提交负责领导审核。"),
    "approve": (_fields("comment"), "已审核通过，报热线中心发布。"),
    "send_back": (_fields("comment"), "已退回经办人修改。"),
    "publish": (_publish_form, "答复已发送给来信人，信件办结{published}"),
    "unpublish": (_fields("reason"), "已撤下公开。"),
    "request_extension": (_fields("workdays", "reason"), "延期申请已报热线中心审批。"),
    "approve_extension": (_extension_form, "已批准延期。"),
    "refuse_extension": (_extension_form, "已不予批准延期。"),
}


def _do_letter_action(request, letter: Letter, action: str) -> str:
    if action not in LETTER_FORMS:
        raise workflow.WorkflowError("未知的操作。")
    read, told = LETTER_FORMS[action]
    data = read(request, letter)
    if action == "save_draft" or action == "submit_reply":
        data["outcome"] = request.POST.get("outcome", ReplyOutcome.RESOLVED)
    if action == "return":
        order = unit_order(request.user, letter)
        action = "co_return" if order and not order.is_lead else "return"
    transitions.fire(letter, action, request.user, **data)
    published = "，并已在网站公开。" if data.get("make_public") else "；不予公开的理由已记录。"
    return told.format(letter=letter, published=published)


def attachment(request, pk: int):
    att = get_object_or_404(LetterAttachment.objects.select_related("letter"), pk=pk)
    if not can_download_attachments(request.user, att.letter):
        raise PermissionDenied("您没有查看这件信件附件的权限：附件仅热线中心和主办单位可查看。")
    log_access(request, request.user, f"附件：{att.name}", letter=att.letter)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=att.name)


# --- statistics ------------------------------------------------------------------------------------------


def statistics(request):
    user = request.user
    locality = _locality_of(user)
    if not locality:
        raise PermissionDenied("没有可查看的统计。")
    whole = is_centre(user, locality) or is_oversight(user, locality)
    unit = None
    if whole:
        uid = request.GET.get("unit", "")
        unit = Unit.objects.filter(pk=uid, locality=locality).first() if uid.isdigit() else None
    elif is_unit_staff(user):
        unit = unit_of(user)
    else:
        raise PermissionDenied("没有可查看的统计。")
    this_year = timezone.localdate().year
    year = int(request.GET.get("year")) if (request.GET.get("year") or "").isdigit() else this_year
    stats = letter_stats(locality, year, unit=unit)
    return render(
        request,
        "interaction/admin/statistics.html",
        {
            "title": "信件统计",
            "stats": stats,
            "charts": charts_for(stats),
            "errors": error_report_stats(locality, year, unit=unit),
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "unit": unit,
            "whole": whole,
            "units": routable_units(locality) if whole else [],
        },
    )


# --- FAQ --------------------------------------------------------------------------------------------------


def _require_centre(user) -> str:
    locality = centre_locality(user) or (_locality_of(user) if is_superuser(user) else None)
    if not locality or not is_centre(user, locality):
        raise PermissionDenied("只有12345热线管理中心可以维护常见问题。")
    return locality


def faq_admin(request):
    locality = _require_centre(request.user)
    q = (request.GET.get("q") or "").strip()
    faqs = Faq.objects.filter(locality=locality).select_related("unit")
    if q:
        faqs = faqs.filter(Q(question__icontains=q) | Q(answer__icontains=q) | Q(topic__icontains=q))
    page = Paginator(faqs, PER_PAGE).get_page(request.GET.get("p"))
    return render(request, "interaction/admin/faqs.html", {"title": "常见问题", "page": page, "q": q})


def faq_edit(request, pk: int | None = None):
    locality = _require_centre(request.user)
    if pk:
        faq = get_object_or_404(Faq, pk=pk, locality=locality)
    elif request.GET.get("letter", "").isdigit():
        letter = get_object_or_404(Letter, pk=int(request.GET["letter"]), locality=locality)
        faq = faq_from_letter(letter)
    else:
        faq = Faq(locality=locality)
    problems = []
    if request.method == "POST":
        if request.POST.get("delete") and faq.pk:
            faq.delete()
            messages.success(request, "已删除。")
            return redirect("interaction_admin:faqs")
        faq.question = request.POST.get("question", "").strip()[:200]
        faq.answer = request.POST.get("answer", "").strip()
        faq.topic = request.POST.get("topic", "").strip()[:60]
        faq.is_public = request.POST.get("is_public") == "1"
        unit = _unit_from_post(request, "unit", locality)
        faq.unit = unit
        if request.POST.get("source_letter", "").isdigit():
            faq.source_letter = Letter.objects.filter(
                pk=int(request.POST["source_letter"]), locality=locality
            ).first()
        if len(faq.question) < 4:
            problems.append("请填写问题（至少4个字）。")
        if len(faq.answer) < 4:
            problems.append("请填写解答。")
        from .text import personal_data_findings

        if personal_data_findings(faq.question + "\n" + faq.answer):
            problems.append(
                "问题或解答中含有个人信息（手机号、身份证号、住址等），常见问题是公开的，请删除后再保存。"
            )
        if not problems:
            faq.created_by = faq.created_by or request.user
            faq.save()
            messages.success(request, "常见问题已保存。")
            return redirect("interaction_admin:faqs")
    return render(
        request,
        "interaction/admin/faq_edit.html",
        {
            "title": "编辑常见问题" if faq.pk else "新增常见问题",
            "faq": faq,
            "problems": problems,
            "units": routable_units(locality),
        },
    )


# --- the access log -------------------------------------------------------------------------------


def access_log(request):
    user = request.user
    locality = _locality_of(user)
    if not is_oversight(user, locality):
        raise PermissionDenied("只有主办单位和网站管理员可以查看个人信息查看记录。")
    qs = PersonalDataAccess.objects.select_related("user", "letter", "disclosure", "error_report")
    if not is_superuser(user):
        qs = qs.filter(
            Q(letter__locality=locality)
            | Q(disclosure__locality=locality)
            | Q(error_report__locality=locality)
        )
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        qs = qs.filter(Q(letter__query_code=code) | Q(disclosure__code=code) | Q(error_report__code=code))
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "interaction/admin/access_log.html",
        {"title": "个人信息查看记录", "page": page, "code": code},
    )


# --- error reports ---------------------------------------------------------------------------------------------


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
        lambda request, report: {"unit": _unit_from_post(request, "unit", report.locality)},
        "已转办。",
    ),
    "answer": (_fields("text"), "已答复。"),
    "invalid": (_fields("reason"), "已作无效处理。"),
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


# --- disclosure requests -------------------------------------------------------------------------------------------


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
    "confirm": _fields(),
    "correction": _fields("notice"),
    "consult": _fields("third_party"),
    "end_consult": _fields(),
    "extension": _fields("workdays", "reason"),
    "approve_extension": _fields(),
    "refuse_extension": _fields(),
    "answer": _fields("outcome", "reply"),
    "answer_spot": _fields("outcome", "reply"),
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
    locality = _locality_of(user)
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


def home_redirect(request):
    user = request.user
    if centre_locality(user):
        return redirect("interaction_admin:centre")
    if is_unit_staff(user):
        return redirect("interaction_admin:unit")
    return redirect(reverse("notices"))
