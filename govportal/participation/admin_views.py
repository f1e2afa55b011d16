"""Back office of participation (/admin/participation/): the owning unit's work on each activity —
moderating comments and questions, the live stream, answers after an interview, the transcript, sign-ups
and selection, matters raised, the xlsx export of answers — and the overdue list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from wagtail.models import Page

from govportal.accounts import staffing
from govportal.accounts.audit import record_export
from govportal.accounts.models import Unit

from . import submissions, surveys
from .deadlines import overdue
from .models import (
    ACTIVITY_MODELS,
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    QuestionState,
    SurveyPage,
    VisitPage,
    VisitSignup,
    owning_unit,
    page_locality,
)
from .permissions import can_manage, managed_pages, require_manage
from .rules import participation_rules


def _activity(pk):
    page = Page.objects.filter(pk=pk).first()
    page = page.specific if page else None
    if not isinstance(page, ACTIVITY_MODELS):
        raise Http404
    return page


def index(request):
    rows = []
    for model in ACTIVITY_MODELS:
        for page in managed_pages(request.user, model):
            page = page.specific if hasattr(page, "specific") else page
            row = {"page": page, "kind": page.kind_label, "unit": owning_unit(page)}
            if isinstance(page, SurveyPage):
                row["count"] = f"答卷 {page.answers.count()} 份"
            elif isinstance(page, ConsultationPage):
                row["count"] = (
                    f"意见 {page.comments.count()} 条，待审 {page.comments.filter(status='pending').count()}"
                )
            elif isinstance(page, InterviewPage):
                row["count"] = (
                    f"提问 {page.questions.count()} 个，待审 {page.questions.filter(status='pending').count()}"
                )
            else:
                row["count"] = f"报名 {page.signups.count()} 人"
            if isinstance(page, (SurveyPage, ConsultationPage)):
                row["due"] = page.results_due
                row["overdue"] = page.results_overdue()
            rows.append(row)
    unit = getattr(getattr(request.user, "staff", None), "unit", None)
    late = [
        o
        for o in overdue(unit.locality if unit else None)
        if request.user.is_superuser or can_manage(request.user, Page.objects.get(pk=o.page_id).specific)
    ]
    return TemplateResponse(
        request, "participation/admin/index.html", {"title": "公众参与", "rows": rows, "late": late}
    )


def _refused(request, exc):
    return TemplateResponse(
        request, "participation/admin/refused.html", {"title": "无权办理", "message": str(exc)}, status=403
    )


def manage(request, pk):
    page = _activity(pk)
    try:
        require_manage(request.user, page)
    except PermissionDenied as exc:
        return _refused(request, exc)
    if request.method == "POST":
        try:
            said = _act(request, page)
            if said:
                messages.success(request, said)
        except submissions.Refused as exc:
            messages.error(request, str(exc))
        return redirect("participation_admin:manage", pk=page.pk)
    ctx = {
        "title": f"{page.kind_label}：{page.title}",
        "page": page,
        "unit": owning_unit(page),
        "rules": participation_rules(page_locality(page)),
    }
    if isinstance(page, SurveyPage):
        ctx["results"] = surveys.results(page)
    elif isinstance(page, ConsultationPage):
        ctx["comments"] = page.comments.order_by("status", "-created_at")
        ctx["stats"] = submissions.comment_stats(page)
    elif isinstance(page, InterviewPage):
        ctx["questions"] = page.questions.order_by("status", "created_at")
        ctx["entries"] = page.live_entries.select_related("question")
        ctx["accepted"] = page.questions.filter(status=QuestionState.ACCEPTED)
    elif isinstance(page, VisitPage):
        ctx["signups"] = page.signups.all()
        ctx["matters"] = page.matters.select_related("letter", "unit")
        ctx["units"] = Unit.objects.filter(locality=page_locality(page)).order_by("sort_order", "id")
    return TemplateResponse(request, "participation/admin/manage.html", ctx)


def _act(request, page) -> str:
    data, user = request.POST, request.user
    action = data.get("action", "")
    if action in ("approve", "reject"):
        model = ConsultationComment if isinstance(page, ConsultationPage) else InterviewQuestion
        item = model.objects.filter(page=page, pk=data.get("item")).first()
        if item is None:
            raise submissions.Refused("找不到该条内容，可能已被处理。")
        submissions.moderate(item, user, action == "approve", data.get("note", ""), data.get("public_text"))
        return "已通过，公众可见。" if action == "approve" else "已不予通过。"
    if action == "live" and isinstance(page, InterviewPage):
        question = page.questions.filter(pk=data.get("question") or 0).first()
        image = None
        if data.get("image"):
            from wagtail.images import get_image_model

            image = get_image_model().objects.filter(pk=data.get("image")).first()
        submissions.post_live(
            page,
            user,
            speaker=data.get("speaker", ""),
            text=data.get("text", ""),
            image=image,
            question=question,
        )
        return "已发布到直播。"
    if action == "answer" and isinstance(page, InterviewPage):
        q = page.questions.filter(pk=data.get("item")).first()
        if q is None:
            raise submissions.Refused("找不到该问题。")
        submissions.answer_after(
            q, user, answer=data.get("answer", ""), answered_by=data.get("answered_by", "")
        )
        return "答复已公开。"
    if action == "transcript" and isinstance(page, InterviewPage):
        submissions.make_transcript(page, user)
        return "文字实录已生成并提交审核，审核通过后公开。"
    if action in ("select", "unselect") and isinstance(page, VisitPage):
        s = VisitSignup.objects.filter(page=page, pk=data.get("item")).first()
        if s is None:
            raise submissions.Refused("找不到该报名。")
        submissions.select(s, user, action == "select")
        return "已确定入选。" if action == "select" else "已标记未入选。"
    if action == "matter" and isinstance(page, VisitPage):
        unit = Unit.objects.filter(pk=data.get("unit") or 0).first()
        m = submissions.raise_matter(
            page, user, raised_by=data.get("raised_by", ""), content=data.get("content", ""), unit=unit
        )
        return f"已转12345热线管理中心受理派单（信件查询码 {m.letter.query_code}）。"
    raise submissions.Refused("未知的操作。")


def export(request, pk):
    page = _activity(pk)
    if not isinstance(page, SurveyPage):
        raise Http404
    try:
        require_manage(request.user, page)
        locality = page_locality(page)
        if not staffing.can_export_personal_data(request.user, locality):
            raise PermissionDenied(staffing.export_refusal(locality))
    except PermissionDenied as exc:
        return _refused(request, exc)
    data = surveys.export_xlsx(page)
    record_export(request, f"调查“{page.title}”的答卷", page.answers.count())
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{page.title}-答卷.xlsx")
    return response
