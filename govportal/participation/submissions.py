"""What citizens send in — comments on a draft, questions to an interview, sign-ups for a visit — and the
owning unit's moderation of it.

Every text is checked by the platform's text checker (``monitoring.textcheck``, the locality's registries)
when it arrives; the findings go to the moderator. What the public sees is ``public_text``: the text with
personal data masked (``interaction.text.mask_personal_data``, the same masking letters get). A text with
a finding that must be fixed before publication (blocking: secrets, serious errors…) cannot be approved as
it is. Nothing is public before a moderator approves it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from govportal.interaction import workflow
from govportal.interaction.text import mask_personal_data
from govportal.monitoring.textcheck import check_text
from govportal.textcheck.findings import PERSONAL_DATA

from . import sms
from .models import (
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    LiveEntry,
    Moderation,
    QuestionState,
    SignupState,
    VisitMatter,
    VisitPage,
    VisitSignup,
    page_locality,
)
from .permissions import require_manage
from .surveys import address_key

MAX_TEXT = 2000
# Per-address limits of every participation form: govportal.ratelimits ("participation"), counted by the views.


class Refused(ValueError):
    """Not taken; the message (Chinese) says why. Nothing typed is lost: the form shows it again."""


def _check(text: str, page) -> list[dict]:
    return [
        {"kind": f.kind, "severity": f.severity, "text": f.text, "subkind": f.subkind}
        for f in check_text(text, page_locality(page) or None)
    ]


def _blocking(findings) -> list[dict]:
    return [f for f in findings if f["severity"] == "blocking" and f["kind"] != PERSONAL_DATA]


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(f"请填写{what}。")
    if len(text) > MAX_TEXT:
        raise Refused(f"{what}最多{MAX_TEXT}字，您填写了{len(text)}字，请精简。")
    return text


# --- consultations ---------------------------------------------------------------------------------


def article_labels(page: ConsultationPage) -> list[str]:
    return [b.value["label"] for b in page.draft]


def submit_comment(page: ConsultationPage, *, text, article_label="", name="", contact="", ip=None):
    if not page.live or not page.is_open():
        raise Refused(
            f"本次意见征集时间为{page.opens_on:%Y年%m月%d日}至{page.closes_on:%Y年%m月%d日}，当前不在征集期内。"
        )
    text = _text(text, "意见内容")
    if article_label and article_label not in article_labels(page):
        article_label = ""
    akey = address_key(ip)
    return ConsultationComment.objects.create(
        page=page,
        article_label=article_label,
        text=text,
        name=(name or "").strip()[:60],
        contact=(contact or "").strip()[:60],
        public_text=mask_personal_data(text, names=((name or "").strip(),), extra=((contact or "").strip(),)),
        findings=_check(text, page),
        address_key=akey,
    )


def moderate(item, user, approve: bool, note: str = "", public_text: str | None = None) -> None:
    """Approve or reject a comment or a question (the owning unit only)."""
    page = item.page.specific if hasattr(item.page, "specific") else item.page
    require_manage(user, page)
    if public_text is not None and public_text.strip():
        item.public_text = mask_personal_data(public_text.strip(), names=(item.name,), extra=(item.contact,))
    if approve:
        hard = _blocking(_check(item.public_text, page))
        if hard:
            raise Refused(
                f"公开内容含有必须处理的错敏信息“{hard[0]['text']}”，不能原样公开：请修改公开内容或不予通过。"
            )
    elif not (note or "").strip():
        raise Refused("不予通过须写明理由。")
    if isinstance(item, ConsultationComment):
        item.status = Moderation.APPROVED if approve else Moderation.REJECTED
    else:
        item.status = QuestionState.ACCEPTED if approve else QuestionState.REJECTED
    item.note = (note or "").strip()[:300]
    item.moderated_by = user
    item.moderated_at = timezone.now()
    item.save()


def comment_stats(page: ConsultationPage) -> dict:
    qs = page.comments.all()
    by_article: dict[str, int] = {}
    for label in qs.filter(status=Moderation.APPROVED).values_list("article_label", flat=True):
        key = label or "总体意见"
        by_article[key] = by_article.get(key, 0) + 1
    groups = list(page.opinion_groups.all())
    return {
        "received": qs.count(),
        "approved": qs.filter(status=Moderation.APPROVED).count(),
        "rejected": qs.filter(status=Moderation.REJECTED).count(),
        "pending": qs.filter(status=Moderation.PENDING).count(),
        "by_article": sorted(by_article.items(), key=lambda kv: -kv[1]),
        "adopted": sum(g.count for g in groups if g.decision == "adopted"),
        "partly": sum(g.count for g in groups if g.decision == "partly"),
        "not_adopted": sum(g.count for g in groups if g.decision == "not_adopted"),
    }


# --- interviews ------------------------------------------------------------------------------------


def submit_question(page: InterviewPage, *, text, name="", contact="", ip=None):
    if not page.live or not page.accepts_questions():
        raise Refused("本期访谈已结束，不再征集问题。您可以通过政务咨询信箱反映。")
    text = _text(text, "问题")
    akey = address_key(ip)
    return InterviewQuestion.objects.create(
        page=page,
        text=text,
        name=(name or "").strip()[:60],
        contact=(contact or "").strip()[:60],
        public_text=mask_personal_data(text, names=((name or "").strip(),), extra=((contact or "").strip(),)),
        findings=_check(text, page),
        during=page.status() == "直播中",
        address_key=akey,
    )


def post_live(
    page: InterviewPage, user, *, speaker: str, text: str = "", image=None, question=None
) -> LiveEntry:
    """A line of the live stream, by the owning unit's staff; checked like any public text."""
    require_manage(user, page)
    text = (text or "").strip()
    speaker = (speaker or "").strip() or "主持人"
    if not text and image is None:
        raise Refused("请填写发言内容或选择图片。")
    hard = _blocking(_check(text, page))
    if hard:
        raise Refused(f"内容含有必须处理的错敏信息“{hard[0]['text']}”，请修改后再发布。")
    text = mask_personal_data(text)
    with transaction.atomic():
        entry = LiveEntry.objects.create(
            page=page, speaker=speaker[:60], text=text, image=image, question=question, posted_by=user
        )
        if question is not None:
            if question.page_id != page.pk:
                raise Refused("该问题不属于本期访谈。")
            question.status = QuestionState.ANSWERED_LIVE
            question.answer, question.answered_by, question.answered_at = text, speaker, timezone.now()
            question.save()
    return entry


def answer_after(question: InterviewQuestion, user, *, answer: str, answered_by: str) -> None:
    """The public answer to an accepted question not answered live (within the profile's working days)."""
    require_manage(user, question.page)
    answer = _text(answer, "答复内容")
    hard = _blocking(_check(answer, question.page))
    if hard:
        raise Refused(f"答复含有必须处理的错敏信息“{hard[0]['text']}”，请修改后再发布。")
    if question.status not in (QuestionState.ACCEPTED,):
        raise Refused("只有已采纳、尚未回答的问题需要会后答复。")
    question.answer = mask_personal_data(answer)
    question.answered_by = (answered_by or "").strip()[:60]
    question.answered_at = timezone.now()
    question.status = QuestionState.ANSWERED_AFTER
    question.save()


def transcript_html(page: InterviewPage) -> str:
    """The live stream as the transcript's rich text (escaped)."""
    from django.utils.html import format_html

    parts = []
    for e in page.live_entries.select_related("question"):
        if e.question_id:
            parts.append(format_html("<p><b>网友提问：</b>{}</p>", e.question.public_text))
        if e.text:
            parts.append(format_html("<p><b>{}：</b>{}</p>", e.speaker, e.text))
    return "".join(parts)


def make_transcript(page: InterviewPage, user):
    """Afterwards: the live stream becomes the transcript of the item, a new revision submitted for review."""
    require_manage(user, page)
    if page.status() != "已结束":
        raise Refused("访谈结束后才能生成文字实录。")
    latest = page.get_latest_revision_as_object()
    latest.transcript = transcript_html(page)
    revision = latest.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None and page.current_workflow_state is None:
        workflow.start(page, user)
    return revision


# --- visits ----------------------------------------------------------------------------------------


def sign_up(page: VisitPage, *, name, phone, occupation="", reason=""):
    if not page.live or not page.signup_open():
        raise Refused(
            f"报名时间为{timezone.localtime(page.signup_opens):%Y年%m月%d日 %H:%M}至"
            f"{timezone.localtime(page.signup_closes):%Y年%m月%d日 %H:%M}，当前不在报名时间内。"
        )
    name = (name or "").strip()
    if not name:
        raise Refused("请填写姓名。")
    try:
        phone = sms.normalize_phone(phone)
    except sms.CodeError as exc:
        raise Refused(str(exc)) from None
    try:
        with transaction.atomic():
            return VisitSignup.objects.create(
                page=page,
                name=name[:60],
                phone=phone,
                phone_key=sms.phone_key(phone),
                occupation=(occupation or "").strip()[:60],
                reason=(reason or "").strip()[:MAX_TEXT],
            )
    except IntegrityError:
        raise Refused("该手机号已报名本次活动，请勿重复报名。") from None


def select(signup: VisitSignup, user, chosen: bool) -> None:
    page = signup.page
    require_manage(user, page)
    if chosen and signup.status != SignupState.SELECTED:
        taken = page.signups.filter(status=SignupState.SELECTED).count()
        if taken >= page.quota:
            raise Refused(f"本次活动邀请{page.quota}人，已选满。")
    signup.status = SignupState.SELECTED if chosen else SignupState.NOT_SELECTED
    signup.decided_by, signup.decided_at = user, timezone.now()
    signup.save()


def raise_matter(page: VisitPage, user, *, raised_by: str, content: str, unit) -> VisitMatter:
    """Record a matter raised at the event and send it into the letters' single entry (the hotline centre
    triages and dispatches it as a work order, with the letter deadlines of the profile)."""

    require_manage(user, page)
    content = _text(content, "反映事项")
    if unit is None or unit.locality != page_locality(page):
        raise Refused("请选择本地区的承办单位。")
    with transaction.atomic():
        matter = VisitMatter.objects.create(
            page=page,
            raised_by=(raised_by or "").strip()[:60] or "公民代表",
            content=content,
            unit=unit,
            created_by=user,
        )
        sub = workflow.submit_letter(
            locality=page_locality(page),
            token_nonce=f"visit-matter-{matter.pk}",
            type="suggestion",
            subject=f"公民代表走进政府反映：{content[:60]}"[:100],
            content=f"{content}\n\n（{page.title}，{timezone.localtime(page.event_at):%Y年%m月%d日}活动中由"
            f"{matter.raised_by}提出，{page.unit.name if page.unit_id else ''}记录转办。）",
            writer_name=matter.raised_by,
            target_unit=unit,
        )
        matter.letter = sub.letter
        matter.save(update_fields=["letter"])
    return matter
