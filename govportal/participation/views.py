"""Public pages' context and the endpoints citizens post to.

Every form works without JavaScript; what is typed is shown again with the message when it is refused.
The interview's live stream is also in the page as rendered; ``static/participation/live.js`` polls
``live_json`` to add new lines without a reload (no inline script: the site works under a strict CSP).
"""

from __future__ import annotations

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govportal import ratelimits
from govportal.ratelimits import client_ip

from . import sms, submissions, surveys
from .models import (
    Audience,
    ConsultationPage,
    InterviewPage,
    LiveEntry,
    Moderation,
    QuestionState,
    SignupState,
    SurveyPage,
    VisitPage,
    page_locality,
)
from .rules import participation_rules


def _public(model, pk):
    page = get_object_or_404(model.objects.live().public(), pk=pk)
    return page.specific


def _render(request, page, **extra):
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, page.get_template(request), context)


def _limited(request, page, **extra):
    """Count this submission (an answer, a code request, a comment, a question, a sign-up) against the
    address's limits of ``participation`` in govportal.ratelimits, the one rate-limit module; the page again
    with the Chinese refusal and status 429 when a limit is passed (what was typed is kept), else None."""
    used = ratelimits.usage(request, "participation", client_ip(request) or "-", increment=True)
    if not used.exceeded:
        return None
    message = (
        f"同一网络地址提交过于频繁（上限为{ratelimits.describe(used.rate)}），暂停受理，以防恶意刷屏。"
        f"您填写的内容已保留，请{ratelimits.retry_text(used)}再提交。"
    )
    response = _render(request, page, message=message, **extra)
    response.status_code = 429
    response["Retry-After"] = str(max(1, used.retry_after))
    return response


# --- surveys -----------------------------------------------------------------------------------------


def _question_items(survey, data, errors):
    items = []
    for q in surveys.questions(survey):
        item = {"q": q, "error": errors.get(q.id, "")}
        if data is not None:
            item["value"] = data.get(q.field_name, "")
            item["values"] = data.getlist(q.field_name)
            item["rows"] = [(i, row, data.get(f"{q.field_name}-{i}", "")) for i, row in enumerate(q.rows)]
        else:
            item["value"], item["values"] = "", []
            item["rows"] = [(i, row, "") for i, row in enumerate(q.rows)]
        items.append(item)
    return items


def survey_context(page: SurveyPage, request) -> dict:
    rules = participation_rules(page_locality(page))
    now = timezone.now()
    ctx = {
        "status": page.status(now),
        "rules": rules,
        "items": _question_items(page, None, {}),
        "answered_here": request is not None and surveys.already_answered_here(request, page),
        "done": request is not None and request.GET.get("done") == "1",
        "answer_count": page.answers.count(),
    }
    if page.results_published and page.status(now) == "已结束":
        ctx["results"] = surveys.results(page)
        ctx["chart_data"] = surveys.chart_data(page)
    return ctx


@require_POST
def survey_answer(request, pk):
    page = _public(SurveyPage, pk)
    data = request.POST
    message = ""
    if not page.is_open():
        return _render(
            request,
            page,
            items=_question_items(page, data, {}),
            message=f"本次调查{page.status()}，不能提交答卷。",
        )
    if page.audience == Audience.ANYONE and surveys.already_answered_here(request, page):
        return _render(request, page, message="您已参加过本次调查，感谢参与。")
    limited = _limited(request, page, items=_question_items(page, data, {}), phone=data.get("phone", ""))
    if limited is not None:
        return limited
    purpose = f"survey:{page.pk}"
    if data.get("action") == "code":
        try:
            sms.send_code(purpose, data.get("phone", ""), page.title)
            message = "验证码已发送到您的手机，请在10分钟内填写。"
        except sms.CodeError as exc:
            message = str(exc)
        return _render(
            request, page, items=_question_items(page, data, {}), message=message, phone=data.get("phone", "")
        )
    answers, errors = surveys.read_answers(page, data)
    if errors:
        return _render(
            request,
            page,
            items=_question_items(page, data, errors),
            message=f"有{len(errors)}道题需要修改，请查看标出的题目。",
            phone=data.get("phone", ""),
        )
    phone_key = ""
    if page.audience == Audience.PHONE:
        try:
            phone = sms.check_code(purpose, data.get("phone", ""), data.get("code", ""))
        except sms.CodeError as exc:
            return _render(
                request,
                page,
                items=_question_items(page, data, {}),
                message=str(exc),
                phone=data.get("phone", ""),
            )
        phone_key = sms.phone_key(phone)
    try:
        surveys.store_answer(page, answers, phone_key=phone_key, ip=client_ip(request))
    except surveys.AnswerRefused as exc:
        return _render(
            request,
            page,
            items=_question_items(page, data, {}),
            message=str(exc),
            phone=data.get("phone", ""),
        )
    response = HttpResponseRedirect(page.url + "?done=1")
    surveys.mark_answered(response, page)
    return response


# --- consultations -------------------------------------------------------------------------------------


def consultation_context(page: ConsultationPage, request) -> dict:
    approved = page.comments.filter(status=Moderation.APPROVED)
    counts: dict[str, int] = {}
    for label in approved.values_list("article_label", flat=True):
        counts[label] = counts.get(label, 0) + 1
    articles = [
        {"label": b.value["label"], "text": b.value["text"], "count": counts.get(b.value["label"], 0)}
        for b in page.draft
    ]
    return {
        "status": page.status(),
        "rules": participation_rules(page_locality(page)),
        "articles": articles,
        "approved_comments": approved.order_by("-created_at")[:50],
        "stats": submissions.comment_stats(page),
        "groups": page.opinion_groups.all() if page.feedback_published else [],
        "sent": request is not None and request.GET.get("sent") == "1",
    }


@require_POST
def consultation_comment(request, pk):
    page = _public(ConsultationPage, pk)
    data = request.POST
    limited = _limited(request, page, form=data)
    if limited is not None:
        return limited
    try:
        submissions.submit_comment(
            page,
            text=data.get("text", ""),
            article_label=data.get("article", ""),
            name=data.get("name", ""),
            contact=data.get("contact", ""),
            ip=client_ip(request),
        )
    except submissions.Refused as exc:
        return _render(request, page, message=str(exc), form=data)
    return HttpResponseRedirect(page.url + "?sent=1#comment-form")


# --- interviews ----------------------------------------------------------------------------------------


def _entry_json(e: LiveEntry) -> dict:
    image = ""
    if e.image_id:
        try:
            image = e.image.get_rendition("max-800x600").url
        except Exception:
            image = ""
    return {
        "id": e.pk,
        "time": timezone.localtime(e.created_at).strftime("%H:%M"),
        "speaker": e.speaker,
        "text": e.text,
        "image": image,
        "alt": (e.image.title if e.image_id else ""),
        "question": e.question.public_text if e.question_id else "",
    }


def interview_context(page: InterviewPage, request) -> dict:
    entries = list(page.live_entries.select_related("image", "question"))
    return {
        "status": page.status(),
        "rules": participation_rules(page_locality(page)),
        "entries": [_entry_json(e) for e in entries],
        "last_id": entries[-1].pk if entries else 0,
        "live_url": reverse("participation:live", args=[page.pk]),
        "answered_after": page.questions.filter(status=QuestionState.ANSWERED_AFTER),
        "waiting": page.questions.filter(status=QuestionState.ACCEPTED).count(),
        "sent": request is not None and request.GET.get("sent") == "1",
    }


@require_POST
def interview_question(request, pk):
    page = _public(InterviewPage, pk)
    data = request.POST
    limited = _limited(request, page, form=data)
    if limited is not None:
        return limited
    try:
        submissions.submit_question(
            page,
            text=data.get("text", ""),
            name=data.get("name", ""),
            contact=data.get("contact", ""),
            ip=client_ip(request),
        )
    except submissions.Refused as exc:
        return _render(request, page, message=str(exc), form=data)
    return HttpResponseRedirect(page.url + "?sent=1#ask")


@require_GET
def live_json(request, pk):
    page = _public(InterviewPage, pk)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    entries = page.live_entries.filter(pk__gt=after).select_related("image", "question")[:100]
    data = [_entry_json(e) for e in entries]
    response = JsonResponse(
        {"status": page.status(), "entries": data}, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


# --- visits --------------------------------------------------------------------------------------------


def visit_context(page: VisitPage, request) -> dict:
    return {
        "signup_open": page.signup_open(),
        "selected_count": page.signups.filter(status=SignupState.SELECTED).count(),
        "matters": page.matters.select_related("letter", "unit"),
        "sent": request is not None and request.GET.get("sent") == "1",
    }


@require_POST
def visit_signup(request, pk):
    page = _public(VisitPage, pk)
    data = request.POST
    limited = _limited(request, page, form=data)
    if limited is not None:
        return limited
    try:
        submissions.sign_up(
            page,
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            occupation=data.get("occupation", ""),
            reason=data.get("reason", ""),
        )
    except submissions.Refused as exc:
        return _render(request, page, message=str(exc), form=data)
    return HttpResponseRedirect(page.url + "?sent=1#signup")
