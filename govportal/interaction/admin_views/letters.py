"""The letters: the centre's and a unit's work-order lists, a letter with its actions, its attachments,
and where /admin/letters/ leads each role.
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
from wagtail.admin import messages

from govportal.accounts.models import Unit
from govportal.accounts.permissions import roles_of, unit_of
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import mark_read

from .. import deadlines, transitions, workflow
from ..models import (
    OPEN_STATES,
    Extension,
    ExtensionState,
    Letter,
    LetterAttachment,
    LetterState,
    OrderState,
    Publication,
    ReplyOutcome,
    WorkOrder,
)
from ..permissions import (
    can_download_attachments,
    can_see_contact,
    can_see_full_letter,
    can_view_letter,
    centre_locality,
    is_centre,
    is_superuser,
    is_unit_staff,
    log_access,
    unit_order,
)
from ..routing import routable_units, suggest_units
from ..rules import letter_rules
from ..text import mask_personal_data
from .common import PER_PAGE, locality_of, post_fields, unit_from_post


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
    locality = centre_locality(user) or (locality_of(user) if is_superuser(user) else None)
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


def _merge_form(request, letter: Letter) -> dict:
    code = request.POST.get("primary", "").strip().upper()
    primary = Letter.objects.filter(query_code=code, locality=letter.locality).first()
    if primary is None:
        raise workflow.WorkflowError(f"没有查询码为“{code}”的信件。")
    return {"primary": primary}


def _dispatch_form(request, letter: Letter) -> dict:
    lead = unit_from_post(request, "lead", letter.locality) or unit_from_post(
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


# the table (``transitions.LETTERS``); ``fire()`` checks it.
LETTER_FORMS = {
    "accept": (post_fields(), "已受理。"),
    "reject": (post_fields("reason"), "已作不予受理处理，理由已告知来信人。"),
    "merge": (_merge_form, "已合并到信件 {letter.duplicate_of.query_code}。"),
    "dispatch": (_dispatch_form, "已派单至{letter.lead_unit.name}，期限 {letter.due_date:%Y年%m月%d日}。"),
    "return": (post_fields("reason"), "已退回热线中心。"),
    "opinion": (post_fields(text="opinion"), "协办意见已提交。"),
    "assign": (_assign_form, "已指定经办人。"),
    "save_draft": (post_fields("text", "outcome"), "草稿已保存。"),
    "submit_reply": (post_fields("text", "outcome"), "答复已提交负责领导审核。"),
    "approve": (post_fields("comment"), "已审核通过，报热线中心发布。"),
    "send_back": (post_fields("comment"), "已退回经办人修改。"),
    "publish": (_publish_form, "答复已发送给来信人，信件办结{published}"),
    "unpublish": (post_fields("reason"), "已撤下公开。"),
    "request_extension": (post_fields("workdays", "reason"), "延期申请已报热线中心审批。"),
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


def home_redirect(request):
    user = request.user
    if centre_locality(user):
        return redirect("interaction_admin:centre")
    if is_unit_staff(user):
        return redirect("interaction_admin:unit")
    return redirect(reverse("notices"))
