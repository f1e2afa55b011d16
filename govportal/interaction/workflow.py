"""The life of a letter: submission, triage, dispatch, return, reply, approval, publication, extension.

Who may take each step from which state is the table ``transitions.LETTERS``; every step goes through
``transitions.fire()``, which raises :class:`WorkflowError` (a Chinese message naming the rule and its
article) when the step is not allowed. Each step writes a :class:`LetterEvent`; the ones marked public are
what the writer sees on the query page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import IntegrityError, transaction
from django.utils import timezone

from govportal.accounts.models import Role, Unit
from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify

from . import deadlines
from .models import (
    Extension,
    ExtensionState,
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterState,
    OrderState,
    Publication,
    Rating,
    Reply,
    ReplyOutcome,
    ReplyState,
    WorkOrder,
)
from .permissions import can_view_letter, unit_order
from .rules import EXCLUSION_NO_CONSENT, EXCLUSION_OTHER, LetterRules, letter_rules
from .spam import PASSWORD_ALPHABET, password_for
from .text import contact_key, fingerprint, keywords_for, mask_personal_data, personal_data_findings
from .transitions import LETTERS, WorkflowError, fire, step

# Query passwords are machine-generated (8 of 31 symbols, about 40 bits), so a lighter PBKDF2 than for
# staff passwords keeps a burst of submissions cheap while a leaked hash stays costly to reverse.
QUERY_PASSWORD_ITERATIONS = 30_000
_hasher = PBKDF2PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.encode(password.strip().upper(), _hasher.salt(), iterations=QUERY_PASSWORD_ITERATIONS)


def check_password(password: str, encoded: str) -> bool:
    try:
        return _hasher.verify((password or "").strip().upper(), encoded)
    except (ValueError, TypeError):
        return False


def new_code(prefix: str) -> str:
    """Query code: prefix, date, six random symbols, e.g. ``XJ20261123K7M2QX``."""
    rand = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(6))
    return f"{prefix}{timezone.localdate():%Y%m%d}{rand}"


def event(letter: Letter, action: str, text: str, actor=None, public: bool = False) -> LetterEvent:
    return LetterEvent.objects.create(letter=letter, action=action, text=text, actor=actor, public=public)


# --- submission ----------------------------------------------------------------------------------------


@dataclass
class Submission:
    letter: Letter
    password: str
    created: bool


def submit_letter(
    *,
    locality: str,
    token_nonce: str,
    type: str,
    subject: str,
    content: str,
    writer_name: str = "",
    writer_contact: str = "",
    target_unit: Unit | None = None,
    consent_publish: bool = False,
    attachments=(),
    client_ip: str | None = None,
    hold_reasons=(),
) -> Submission:
    """Store a letter exactly once per form token. Returns the existing letter on a repeated token.

    The row is committed before this returns, so "submitted" is never shown for a letter not stored.
    """
    existing = Letter.objects.filter(submit_token=token_nonce).first()
    if existing:
        return Submission(existing, password_for(token_nonce), False)
    rules = letter_rules(locality)
    ltype = rules.type(type)
    password = password_for(token_nonce)
    values = dict(
        locality=locality,
        type=ltype.code,
        type_name=ltype.name,
        subject=subject.strip(),
        content=content.strip(),
        writer_name=writer_name.strip(),
        writer_contact=writer_contact.strip(),
        target_unit=target_unit,
        consent_publish=consent_publish,
        password_hash=hash_password(password),
        submit_token=token_nonce,
        client_ip=client_ip,
        contact_key=contact_key(writer_contact),
        content_key=fingerprint(f"{subject}\n{content}"),
        keywords=" ".join(keywords_for(f"{subject} {subject} {content}")),
        hold_reason="；".join(hold_reasons)[:300],
        received_at=timezone.now(),
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                letter = Letter.objects.create(query_code=new_code("XJ"), **values)
                for f in attachments:
                    LetterAttachment.objects.create(
                        letter=letter,
                        file=f,
                        name=f.name[:200],
                        size=f.size,
                        content_type=getattr(f, "content_type", "")[:100],
                    )
                event(
                    letter,
                    "received",
                    f"收到{ltype.name}类来信，转{rules.mailbox_name}统一受理。",
                    public=True,
                )
                if letter.hold_reason:
                    event(letter, "held", f"待热线中心核验：{letter.hold_reason}")
                if rules.clock_starts == "receipt":
                    _start_clock(letter, timezone.localdate(letter.received_at))
                    letter.save(update_fields=["clock_start", "due_date"])
            return Submission(letter, password, True)
        except IntegrityError:
            again = Letter.objects.filter(submit_token=token_nonce).first()
            if again:  # a concurrent retry of the same form won the race
                return Submission(again, password, False)
            # otherwise the random query code collided: draw another
    raise WorkflowError("系统繁忙，暂时无法生成查询码，请稍后再提交。您填写的内容已保留。")


def _start_clock(letter: Letter, start) -> None:
    letter.clock_start = start
    letter.due_date = deadlines.letter_due(letter)


# --- triage (centre) -------------------------------------------------------------------------------------
#
# Each step below is a thin function calling ``fire()`` and a step function registered for the table's
# action (``transitions.LETTERS``): the table says who may take it from which state; the step checks what
# it was given, yields the letter's fields to write with the new state, then writes its events, work
# orders and notifications once the state is claimed.


def accept(letter: Letter, user) -> None:
    """The centre accepts a letter (clears a hold; it then waits to be dispatched)."""
    fire(letter, "accept", user)


@step(LETTERS, "accept")
def _accept(letter: Letter, user, action: str):
    if letter.accepted_at:
        raise WorkflowError("这件信件已经受理，请派单。")
    yield {"hold_reason": "", "accepted_at": letter.accepted_at or timezone.now()}
    event(letter, "accepted", "热线中心已受理。", user, public=True)


def reject(letter: Letter, user, reason: str) -> None:
    fire(letter, "reject", user, reason=reason)


@step(LETTERS, "reject")
def _reject(letter: Letter, user, action: str, reason: str = ""):
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WorkflowError("请填写不予受理的理由（将告知来信人），至少4个字。")
    yield {"reject_reason": reason, "hold_reason": "", "concluded_at": timezone.now()}
    event(letter, "rejected", f"不予受理：{reason}", user, public=True)


def merge(letter: Letter, user, primary: Letter) -> None:
    """Merge a duplicate into ``primary``; the writer will see the primary letter's answer."""
    fire(letter, "merge", user, primary=primary)


@step(LETTERS, "merge")
def _merge(letter: Letter, user, action: str, primary: Letter):
    if primary.pk == letter.pk or primary.locality != letter.locality:
        raise WorkflowError("请选择同一地区的另一件信件作为合并对象。")
    while primary.duplicate_of_id:
        primary = primary.duplicate_of
    if primary.state in (LetterState.REJECTED, LetterState.MERGED):
        raise WorkflowError(
            f"信件 {primary.query_code} 状态为“{primary.get_state_display()}”，不能作为合并对象。"
        )
    yield {"duplicate_of": primary, "hold_reason": ""}
    event(
        letter,
        "merged",
        f"与信件 {primary.query_code} 反映同一事项，已合并办理，答复将一并告知。",
        user,
        public=True,
    )
    event(primary, "merged_in", f"已并入重复来信 {letter.query_code}。", user)
    if primary.state == LetterState.CONCLUDED:
        _conclude_merged(primary)


def dispatch(letter: Letter, user, lead: Unit, co_units=(), handler=None, note: str = "") -> list[WorkOrder]:
    """Dispatch a work order to the lead unit (and co-units). The deadline starts now if the profile says so."""
    return fire(letter, "dispatch", user, lead=lead, co_units=co_units, handler=handler, note=note)


@step(LETTERS, "dispatch")
def _dispatch(letter: Letter, user, action: str, lead: Unit, co_units=(), handler=None, note: str = ""):
    rules = letter_rules(letter.locality)
    if lead.locality != letter.locality:
        raise WorkflowError("只能派给本地区的单位。")
    co_units = [u for u in co_units if u.pk != lead.pk]
    now = timezone.now()
    letter.accepted_at = letter.accepted_at or now
    if rules.clock_starts == "dispatch" or not letter.clock_start:
        letter.extended_workdays = 0 if rules.clock_starts == "dispatch" else letter.extended_workdays
        _start_clock(letter, timezone.localdate(now))
    yield {
        "lead_unit": lead,
        "hold_reason": "",
        "accepted_at": letter.accepted_at,
        "dispatched_at": now,
        "extended_workdays": letter.extended_workdays,
        "clock_start": letter.clock_start,
        "due_date": letter.due_date,
        "due_soon_notified_on": None,
        "overdue_notified_on": None,
    }
    letter.orders.filter(state=OrderState.OPEN).update(state=OrderState.CANCELLED)
    orders = [
        WorkOrder.objects.create(
            letter=letter, unit=lead, is_lead=True, dispatched_by=user, dispatched_at=now, handler=handler
        )
    ]
    for unit in co_units:
        orders.append(
            WorkOrder.objects.create(
                letter=letter, unit=unit, is_lead=False, dispatched_by=user, dispatched_at=now
            )
        )
    # An extension the previous lead unit asked for does not carry over to the new one.
    letter.extensions.filter(state=ExtensionState.PENDING).update(
        state=ExtensionState.REFUSED,
        decided_at=now,
        decision_note="信件已重新派单，原主办单位的延期申请不再审批。",
    )
    warning = deadlines.letter_due_warning(letter)
    names = lead.name + ("（主办），" + "、".join(u.name for u in co_units) + "（协办）" if co_units else "")
    event(
        letter,
        "dispatched",
        f"已转交{names}办理，办理期限至 {letter.due_date:%Y年%m月%d日}。",
        user,
        public=True,
    )
    if note.strip():
        # 派单说明 is a note to the units: kept in the internal record, never on the writer's query page.
        event(letter, "dispatch_note", f"派单说明（内部）：{note.strip()}", user)
    if warning:
        event(letter, "calendar_warning", f"办理期限提示：{warning}。", user)
    people = list(staff_of(lead, [Role.EDITOR])) if handler is None else [handler]
    notify(
        people + list(staff_of(lead, rules.reply_approver_roles)),
        "dispatched",
        f"新工单：{letter.type_name}「{letter.subject}」，请于 {letter.due_date:%Y年%m月%d日} 前答复（{rules.cite('deadline_article')}）。"
        + (f"注意：{warning}。" if warning else "")
        + (f"派单说明：{note.strip()}" if note.strip() else ""),
        url=deadlines.letter_url(letter),
        about=letter,
    )
    for unit in co_units:
        notify(
            list(staff_of(unit, [Role.EDITOR])),
            "dispatched",
            f"协办工单：{letter.type_name}「{letter.subject}」，主办单位{lead.name}，请提出协办意见。",
            url=deadlines.letter_url(letter),
            about=letter,
        )
    return orders


def return_order(letter: Letter, user, reason: str) -> None:
    """A unit returns a misrouted order with a reason; the lead unit's return sends the letter back to the centre."""
    order = unit_order(user, letter)
    fire(letter, "co_return" if order and not order.is_lead else "return", user, reason=reason)


@step(LETTERS, "return", "co_return")
def _return(letter: Letter, user, action: str, reason: str = ""):
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WorkflowError("请写明退回理由（例如不属于本单位职责，并尽量注明应由哪个单位办理），至少4个字。")
    order = unit_order(user, letter)
    yield {}
    order.state = OrderState.RETURNED
    order.return_reason, order.returned_at, order.returned_by = reason, timezone.now(), user
    order.save()
    if order.is_lead:
        letter.orders.filter(state=OrderState.OPEN).update(state=OrderState.CANCELLED)
        event(letter, "returned", f"{order.unit.name}退回工单：{reason}", user)
        event(letter, "redispatching", "办理单位调整中。", None, public=True)
    else:
        event(letter, "co_returned", f"协办单位{order.unit.name}退回：{reason}", user)
    notify(
        deadlines.centre_users(letter.locality),
        "returned",
        f"{order.unit.name}退回工单 {letter.query_code}「{letter.subject}」：{reason}",
        url=deadlines.letter_url(letter),
        about=letter,
    )


def give_opinion(letter: Letter, user, text: str) -> None:
    fire(letter, "opinion", user, text=text)


@step(LETTERS, "opinion")
def _opinion(letter: Letter, user, action: str, text: str = ""):
    text = (text or "").strip()
    if not text:
        raise WorkflowError("请填写协办意见。")
    order = unit_order(user, letter)
    yield {}
    order.opinion, order.opinion_at = text, timezone.now()
    order.save(update_fields=["opinion", "opinion_at"])
    event(letter, "opinion", f"协办单位{order.unit.name}提交意见。", user)


def assign_handler(letter: Letter, user, handler) -> None:
    """A unit leader names the person responsible (000 Art. 20: 明确专人负责)."""
    fire(letter, "assign", user, handler=handler)


@step(LETTERS, "assign")
def _assign(letter: Letter, user, action: str, handler):
    order = unit_order(user, letter)
    yield {}
    order.handler = handler
    order.save(update_fields=["handler"])
    event(letter, "handler", f"指定经办人：{handler.get_full_name() or handler.get_username()}", user)


# --- reply (unit) --------------------------------------------------------------------------------------


def save_draft(
    letter: Letter, user, text: str, outcome: str = ReplyOutcome.RESOLVED, submit: bool = False
) -> Reply:
    return fire(letter, "submit_reply" if submit else "save_draft", user, text=text, outcome=outcome)


def submit_for_approval(letter: Letter, user, reply: Reply | None = None) -> Reply:
    """Submit the saved draft (or ``reply``) for the unit leader's review."""
    return fire(letter, "submit_reply", user, reply=reply)


def _review_cite(rules: LetterRules) -> str:
    return rules.cite("review_article" if rules.review_article else "deadline_article")


@step(LETTERS, "save_draft", "submit_reply")
def _draft(letter: Letter, user, action: str, text=None, outcome=ReplyOutcome.RESOLVED, reply=None):
    if text is not None or action == "save_draft":
        text = (text or "").strip()
        if len(text) < 10:
            raise WorkflowError("答复内容过短。答复应当精准、规范（第二十条），请至少写10个字。")
        if outcome not in ReplyOutcome.values:
            raise WorkflowError("请选择办理结果。")
    elif reply is None:
        reply = letter.replies.filter(state=ReplyState.DRAFT).first()
        if reply is None:
            raise WorkflowError("还没有答复草稿。")
    yield {}
    if text is not None:
        order = unit_order(user, letter)
        reply = letter.replies.filter(state__in=[ReplyState.DRAFT, ReplyState.SENT_BACK]).first()
        if reply is None:
            reply = Reply(letter=letter, unit=order.unit, author=user)
        reply.text, reply.outcome, reply.author = text, outcome, user
        reply.state = ReplyState.DRAFT
        reply.save()
    if action == "submit_reply":
        rules = letter_rules(letter.locality)
        reply.state, reply.submitted_at = ReplyState.SUBMITTED, timezone.now()
        reply.save(update_fields=["state", "submitted_at"])
        event(letter, "reply_submitted", "答复已起草，提交负责领导审核。", user)
        handlers, leaders = deadlines.unit_people(letter)
        notify(
            [u for u in leaders if u.pk != user.pk],
            "reply_review",
            f"请审核信件 {letter.query_code}「{letter.subject}」的答复（{_review_cite(rules)}：经负责领导审核后答复）。",
            url=deadlines.letter_url(letter),
            about=letter,
        )
    return reply


def review_reply(letter: Letter, user, approve: bool, comment: str = "") -> Reply:
    return fire(letter, "approve" if approve else "send_back", user, comment=comment)


@step(LETTERS, "approve", "send_back")
def _review(letter: Letter, user, action: str, comment: str = ""):
    approve = action == "approve"
    reply = letter.replies.filter(state=ReplyState.SUBMITTED).first()
    if reply is None:
        raise WorkflowError("没有待审核的答复。")
    if approve and reply.author_id == user.pk:
        raise WorkflowError("起草人不能审核自己起草的答复，请由本单位另一位负责领导审核。")
    if not approve and not (comment or "").strip():
        raise WorkflowError("退回修改时请写明审核意见。")
    now = timezone.now()
    yield ({"answered_at": now, "reply_text": reply.text, "reply_unit": reply.unit} if approve else {})
    reply.reviewer, reply.reviewed_at, reply.review_comment = user, now, (comment or "").strip()
    reply.state = ReplyState.APPROVED if approve else ReplyState.SENT_BACK
    reply.save()
    if approve:
        letter.orders.filter(state=OrderState.OPEN).update(state=OrderState.DONE)
        event(letter, "reply_approved", "负责领导审核通过，答复报热线中心发布。", user)
        notify(
            deadlines.centre_users(letter.locality),
            "reply_approved",
            f"信件 {letter.query_code}「{letter.subject}」的答复已审核，请发布。",
            url=deadlines.letter_url(letter),
            about=letter,
        )
    else:
        event(letter, "reply_sent_back", f"负责领导退回修改：{comment}", user)
        notify(
            [reply.author],
            "reply_sent_back",
            f"信件 {letter.query_code} 的答复被退回修改：{comment}",
            url=deadlines.letter_url(letter),
            about=letter,
        )
    return reply


# --- publication (centre) ---------------------------------------------------------------------------------


def public_texts(letter: Letter) -> dict[str, str]:
    """Subject, content and reply with personal data hidden (the default public version)."""
    names = (letter.writer_name,)
    extra = (letter.writer_contact,)
    return {
        "public_subject": mask_personal_data(letter.subject, names=names, extra=extra),
        "public_content": mask_personal_data(letter.content, names=names, extra=extra),
        "public_reply": mask_personal_data(letter.reply_text, names=names, extra=extra),
    }


def can_publish(letter: Letter, rules: LetterRules | None = None) -> bool:
    rules = rules or letter_rules(letter.locality)
    return bool(letter.consent_publish and rules.publish_if_eligible)


def publish(
    letter: Letter,
    user,
    *,
    make_public: bool,
    exclusion: str = "",
    note: str = "",
    public_subject: str | None = None,
    public_content: str | None = None,
    public_reply: str | None = None,
) -> None:
    """The centre sends the approved answer to the writer (the letter is concluded) and decides on publication.

    A letter is published only when the writer agreed; otherwise, or when it falls under an exclusion of
    the profile (000 Art. 21), it is withheld and the reason recorded.
    """
    fire(
        letter,
        "publish",
        user,
        make_public=make_public,
        exclusion=exclusion,
        note=note,
        public_subject=public_subject,
        public_content=public_content,
        public_reply=public_reply,
    )


@step(LETTERS, "publish")
def _publish(
    letter: Letter,
    user,
    action: str,
    make_public: bool,
    exclusion: str = "",
    note: str = "",
    public_subject: str | None = None,
    public_content: str | None = None,
    public_reply: str | None = None,
):
    rules = letter_rules(letter.locality)
    if make_public and not letter.consent_publish:
        raise WorkflowError("来信人未同意公开，不能公开发布；答复仍会告知来信人。")
    if not make_public:
        if not letter.consent_publish:
            exclusion = exclusion or EXCLUSION_NO_CONSENT
        if not exclusion:
            raise WorkflowError(
                f"不公开的信件须选择不公开的情形（{rules.cite('publication_article')}），理由将被记录。"
            )
        known = {e["code"] for e in rules.exclusions} | {EXCLUSION_NO_CONSENT, EXCLUSION_OTHER}
        if exclusion not in known:
            raise WorkflowError("请从列表中选择不公开的情形。")
        if exclusion == EXCLUSION_OTHER and not note.strip():
            raise WorkflowError("选择“其他”情形时，请在说明中写明不公开的理由。")
    elif not rules.publish_if_eligible:
        raise WorkflowError("本地区配置不在网站公开来信，答复仍会告知来信人。")
    now = timezone.now()
    fields: dict = {"concluded_at": now}
    if make_public:
        texts = public_texts(letter)
        chosen = {
            "public_subject": public_subject if public_subject is not None else texts["public_subject"],
            "public_content": public_content if public_content is not None else texts["public_content"],
            "public_reply": public_reply if public_reply is not None else texts["public_reply"],
        }
        for key, value in chosen.items():
            # Whatever the centre edited, what goes public is masked again.
            chosen[key] = mask_personal_data(
                value.strip(), names=(letter.writer_name,), extra=(letter.writer_contact,)
            )
            if personal_data_findings(chosen[key]):
                raise WorkflowError("公开文本中仍含有个人信息，请删除后再发布。")
        fields.update(
            chosen, publication=Publication.PUBLISHED, published_at=now, withheld_code="", withheld_reason=""
        )
    else:
        fields.update(
            publication=Publication.WITHHELD,
            withheld_code=exclusion,
            withheld_reason=f"{rules.exclusion_text(exclusion)}"
            + (f"：{note.strip()}" if note.strip() else ""),
            public_subject="",
            public_content="",
            public_reply="",
        )
    yield fields
    event(letter, "concluded", f"{letter.reply_unit or '办理单位'}已答复，办结。", user, public=True)
    if make_public:
        event(letter, "published", "来信及答复已在网站公开（已隐去个人信息）。", user, public=True)
    else:
        event(
            letter,
            "withheld",
            f"不予公开：{letter.withheld_reason}（{rules.cite('publication_article')}）",
            user,
        )
    _conclude_merged(letter)


def _conclude_merged(primary: Letter) -> None:
    for dup in Letter.objects.filter(duplicate_of=primary, state=LetterState.MERGED):
        if dup.concluded_at:
            continue
        dup.reply_text, dup.reply_unit = primary.reply_text, primary.reply_unit
        dup.concluded_at = primary.concluded_at
        dup.save(update_fields=["reply_text", "reply_unit", "concluded_at"])
        event(dup, "concluded", f"与信件 {primary.query_code} 合并办理，已答复。", public=True)


def unpublish(letter: Letter, user, reason: str) -> None:
    fire(letter, "unpublish", user, reason=reason)


@step(LETTERS, "unpublish")
def _unpublish(letter: Letter, user, action: str, reason: str = ""):
    if letter.publication != Publication.PUBLISHED:
        raise WorkflowError("这件信件没有公开。")
    if not (reason or "").strip():
        raise WorkflowError("请写明撤下的理由。")
    yield {
        "publication": Publication.WITHHELD,
        "withheld_code": "other",
        "withheld_reason": f"撤下公开：{reason.strip()}",
    }
    event(letter, "unpublished", letter.withheld_reason, user)


# --- extensions ------------------------------------------------------------------------------------------


def request_extension(letter: Letter, user, workdays: int, reason: str) -> Extension:
    """The lead unit asks for more time: once, at most as long again, never for consultations (000 Art. 20)."""
    return fire(letter, "request_extension", user, workdays=workdays, reason=reason)


@step(LETTERS, "request_extension")
def _request_extension(letter: Letter, user, action: str, workdays=None, reason: str = ""):
    rules = letter_rules(letter.locality)
    ltype = rules.type(letter.type)
    article = rules.cite("deadline_article")
    if not ltype.extendable:
        raise WorkflowError(
            f"{ltype.name}类信件须在 {ltype.deadline_workdays} 个工作日内办结并答复，不得申请延期（{article}）。"
        )
    used = letter.extensions.filter(state__in=[ExtensionState.PENDING, ExtensionState.APPROVED])
    if rules.clock_starts == "dispatch" and letter.dispatched_at:
        # Re-dispatch restarts the clock for the new lead unit, and with it its one extension.
        used = used.filter(requested_at__gte=letter.dispatched_at)
    used = used.count()
    if used >= int(rules.max_extensions):
        raise WorkflowError(f"每件信件最多申请延期 {rules.max_extensions} 次（{article}），已申请过。")
    limit = int(ltype.deadline_workdays * float(rules.extension_max_factor))
    try:
        workdays = int(workdays)
    except (TypeError, ValueError):
        raise WorkflowError("请填写延期的工作日数。") from None
    if workdays < 1 or workdays > limit:
        raise WorkflowError(
            f"{ltype.name}类信件办理时限为 {ltype.deadline_workdays} 个工作日，延期最多 {limit} 个工作日（{article}：最多延期1倍时间）。"
        )
    if letter.due_date and deadlines.today() > letter.due_date:
        raise WorkflowError(f"办理期限已于 {letter.due_date:%Y年%m月%d日} 届满，延期须在期限届满前申请。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WorkflowError("请写明延期理由（情况特殊、复杂的具体情形）。")
    order = unit_order(user, letter)
    yield {}
    ext = Extension.objects.create(
        letter=letter, unit=order.unit, requested_by=user, workdays=workdays, reason=reason
    )
    event(letter, "extension_requested", f"{order.unit.name}申请延期 {workdays} 个工作日：{reason}", user)
    notify(
        deadlines.centre_users(letter.locality),
        "extension_requested",
        f"{order.unit.name}申请信件 {letter.query_code} 延期 {workdays} 个工作日，请审批。",
        url=deadlines.letter_url(letter),
        about=letter,
    )
    return ext


def decide_extension(ext: Extension, user, approve: bool, note: str = "") -> None:
    fire(ext.letter, "approve_extension" if approve else "refuse_extension", user, ext=ext, note=note)


@step(LETTERS, "approve_extension", "refuse_extension")
def _decide_extension(letter: Letter, user, action: str, ext: Extension, note: str = ""):
    approve = action == "approve_extension"
    if ext.state != ExtensionState.PENDING:
        raise WorkflowError("这项延期申请已经审批过。")
    fields = {}
    if approve:
        letter.extended_workdays += ext.workdays
        letter.due_date = deadlines.letter_due(letter)
        fields = {
            "extended_workdays": letter.extended_workdays,
            "due_date": letter.due_date,
            "due_soon_notified_on": None,
            "overdue_notified_on": None,
        }
    yield fields
    decided = {
        "state": ExtensionState.APPROVED if approve else ExtensionState.REFUSED,
        "decided_by": user,
        "decided_at": timezone.now(),
        "decision_note": (note or "").strip(),
    }
    # Two clerks deciding the same request at once: one decides it, the other is told.
    if not Extension.objects.filter(pk=ext.pk, state=ExtensionState.PENDING).update(**decided):
        raise WorkflowError("这项延期申请已由其他工作人员审批。")
    for name, value in decided.items():
        setattr(ext, name, value)
    if approve:
        event(
            letter,
            "extended",
            f"经热线中心批准延期 {ext.workdays} 个工作日，办理期限至 {letter.due_date:%Y年%m月%d日}。"
            + (f"（{w}）" if (w := deadlines.letter_due_warning(letter)) else ""),
            user,
            public=True,
        )
    else:
        event(letter, "extension_refused", f"延期申请未获批准：{ext.decision_note or '无'}", user)
    notify(
        [ext.requested_by],
        "extension_decided",
        f"信件 {letter.query_code} 的延期申请{'已批准' if approve else '未获批准'}。"
        + (f"意见：{ext.decision_note}" if ext.decision_note else ""),
        url=deadlines.letter_url(letter),
        about=letter,
    )


# --- the writer -------------------------------------------------------------------------------------------


def find_letter(code: str, password: str) -> Letter | None:
    letter = Letter.objects.filter(query_code=(code or "").strip().upper()).first()
    if letter and check_password(password, letter.password_hash):
        return letter
    return None


def rate(letter: Letter, rating: str, comment: str = "") -> None:
    fire(letter, "rate", None, rating=rating, comment=comment)


@step(LETTERS, "rate")
def _rate(letter: Letter, user, action: str, rating: str = "", comment: str = ""):
    if not letter.reply_text:
        raise WorkflowError("信件答复后才能评价。")
    if letter.rating:
        raise WorkflowError("您已经评价过这件信件的答复。")
    if rating not in Rating.values:
        raise WorkflowError("请选择满意、基本满意或不满意。")
    yield {"rating": rating, "rating_comment": (comment or "").strip()[:500], "rated_at": timezone.now()}
    event(
        letter, "rated", f"来信人评价：{letter.get_rating_display()}。{letter.rating_comment}", public=False
    )
    if rating == Rating.UNSATISFIED:
        notify(
            deadlines.centre_users(letter.locality),
            "unsatisfied",
            f"来信人对信件 {letter.query_code}「{letter.subject}」的答复不满意：{letter.rating_comment or '未说明理由'}",
            url=deadlines.letter_url(letter),
            about=letter,
        )


def viewable(user, letter: Letter) -> None:
    if not can_view_letter(user, letter):
        raise WorkflowError("您没有查看这件信件的权限：单位只能查看派给本单位的工单。")
