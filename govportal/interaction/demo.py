"""Demo data for the interaction app: letters in every state and of every type (one overdue), FAQs, error
reports and disclosure requests. Idempotent: does nothing if the demo letters exist. The texts are data
(``profiles/<code>/demo/letters.toml``); the scenario each letter goes through is here."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from govportal.accounts.models import Unit
from govportal.portal.demo_data import read_demo_file
from govportal.portal.models import ColumnPage, SupplyMethod

from . import disclosure as disclosure_flow
from . import error_reports, workflow
from .deadlines import add_workdays, check_all
from .models import (
    Faq,
    Letter,
    LetterEvent,
    LetterState,
    OrderState,
    Publication,
    Rating,
    ReplyOutcome,
    WorkOrder,
)
from .rules import letter_rules

DEMO_TOKEN = "demo-"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _unit(locality: str, name: str) -> Unit | None:
    return Unit.objects.filter(locality=locality, name=name).first()


def _shift(letter: Letter, days: int) -> None:
    """Move a letter and its history ``days`` into the past (keeps working-day deadlines consistent)."""
    delta = timedelta(days=days)
    for field in (
        "received_at",
        "accepted_at",
        "dispatched_at",
        "answered_at",
        "concluded_at",
        "published_at",
    ):
        value = getattr(letter, field)
        if value:
            setattr(letter, field, value - delta)
    if letter.clock_start:
        letter.clock_start -= delta
        from .deadlines import letter_due

        letter.due_date = letter_due(letter)
    letter.save()
    for ev in letter.events.all():
        ev.at -= delta
        ev.save(update_fields=["at"])
    for order in letter.orders.all():
        order.dispatched_at -= delta
        order.save(update_fields=["dispatched_at"])


def _submit(
    locality: str,
    n: int,
    type_code: str,
    subject: str,
    content: str,
    consent: bool,
    name="李明",
    contact=None,
):
    sub = workflow.submit_letter(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}{n}",
        type=type_code,
        subject=subject,
        content=content,
        writer_name=name,
        writer_contact=contact or f"1387771{n:04d}",
        consent_publish=consent,
        client_ip="127.0.0.1",
    )
    return sub.letter


def _historic(locality: str, rules, units: list[Unit], year: int, topics: list[dict]) -> int:
    """Concluded letters of the past months (as migrated from an earlier system), for the statistics."""
    rnd = random.Random(2026)
    today = timezone.localdate()
    by_name = {u.name: u for u in units}
    made = 0
    for month in range(1, today.month + (0 if today.day < 5 else 1)):
        for i in range(rnd.randint(3, 7)):
            topic = rnd.choice(topics)
            type_code, unit_name, subject, content, reply = (
                topic[k] for k in ("type", "unit", "subject", "content", "reply")
            )
            t = rules.type(type_code) if type_code in dict(rules.type_choices) else rnd.choice(rules.types)
            unit = (
                by_name.get(unit_name)
                or Unit.objects.filter(locality=locality, name=unit_name).first()
                or units[0]
            )
            public = rnd.random() < 0.4
            received = timezone.make_aware(datetime(year, month, rnd.randint(1, 25), 9 + i % 8, 10))
            start = timezone.localdate(received)
            used = rnd.randint(1, t.deadline_workdays + (2 if i % 5 == 0 else 0))
            answered_on = add_workdays(start, used)
            if answered_on >= today:
                continue
            answered = timezone.make_aware(datetime.combine(answered_on, time(16, 0)))
            letter = Letter.objects.create(
                locality=locality,
                type=t.code,
                type_name=t.name,
                subject=subject,
                content=content,
                writer_name="历史来信",
                consent_publish=public,
                query_code=workflow.new_code("XJ"),
                password_hash="!",
                submit_token=f"{DEMO_TOKEN}h{year}{month}{i}",
                state=LetterState.CONCLUDED,
                received_at=received,
                accepted_at=received,
                dispatched_at=received,
                clock_start=start,
                due_date=add_workdays(start, t.deadline_workdays),
                answered_at=answered,
                concluded_at=answered + timedelta(hours=1),
                lead_unit=unit,
                reply_unit=unit,
                reply_text=reply,
                publication=Publication.PUBLISHED if public else Publication.WITHHELD,
                withheld_code="" if public else "no_consent",
                withheld_reason="" if public else "来信人不同意公开",
                published_at=answered + timedelta(hours=1) if public else None,
                public_subject=subject if public else "",
                public_content=content if public else "",
                public_reply=reply if public else "",
                rating=rnd.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED]),
            )
            WorkOrder.objects.create(
                letter=letter, unit=unit, is_lead=True, state=OrderState.DONE, dispatched_at=received
            )
            LetterEvent.objects.create(
                letter=letter, at=received, action="received", text="历史来信（系统迁移）。", public=True
            )
            made += 1
    return made


def prepare(home) -> str:
    locality = home.locality
    data = read_demo_file(locality, "letters.toml")  # the texts; the scenario of each letter is below
    _link_columns(home, data.get("mailbox_links", {}))
    letters = data.get("letter", [])
    if (
        len(letters) < 12
        or Letter.objects.filter(locality=locality, submit_token__startswith=DEMO_TOKEN).exists()
    ):
        return ""
    hotline, editor, leader, head = (_user(u) for u in ("hotline", "edu_editor", "edu_leader", "edu_head"))
    if not all((hotline, editor, leader)):
        return "政民互动演示数据：缺少演示账号，已跳过。"
    rules = letter_rules(locality)
    edu = _unit(locality, "市教育局")
    others = [
        u
        for u in (
            _unit(locality, n)
            for n in ("市人力资源社会保障局", "市市场监管局", "市住房城乡建设局", "市交通运输局")
        )
        if u
    ]
    units = {u.name: u for u in [edu, *others] if u}

    def letter(n: int) -> Letter:
        x = letters[n - 1]
        return _submit(
            locality,
            n,
            x["type"],
            x["subject"],
            x["content"],
            x["consent"],
            x.get("writer", "李明"),
            x.get("contact"),
        )

    def text(n: int, key: str) -> str:
        return letters[n - 1][key]

    # 1. consultation: answered, approved, published; becomes a FAQ
    l1 = letter(1)
    workflow.dispatch(l1, hotline, edu)
    workflow.save_draft(l1, editor, text(1, "reply"), ReplyOutcome.ANSWERED, submit=True)
    workflow.review_reply(l1, leader, True)
    workflow.publish(l1, hotline, make_public=True)
    _shift(l1, 20)
    for faq in data.get("faq", []):
        Faq(
            locality=locality,
            question=faq["question"],
            answer=l1.reply_text if faq.get("from_letter") == 1 else faq["answer"],
            unit=edu,
            topic=faq["topic"],
            source_letter=l1 if faq.get("from_letter") == 1 else None,
            created_by=hotline,
        ).save()

    # 2. help: dispatched, in progress at another unit
    l2 = letter(2)
    if units.get("市人力资源社会保障局"):
        workflow.dispatch(l2, hotline, units["市人力资源社会保障局"])
    # 3. suggestion: drafted by the unit, waiting for its leader
    l3 = letter(3)
    workflow.dispatch(l3, hotline, edu, co_units=[u for u in others[:1]])
    workflow.save_draft(l3, editor, text(3, "reply"), ReplyOutcome.RESOLVED, submit=True)
    # 4. complaint: dispatched long ago, overdue and escalated
    l4 = letter(4)
    if units.get("市市场监管局"):
        workflow.dispatch(l4, hotline, units["市市场监管局"])
        _shift(l4, 21)
    # 5. report: waiting for triage (writer's identity stays with the centre)
    letter(5)
    # 6. a repeated consultation, held back as a duplicate
    held = letter(6)
    held.hold_reason = text(6, "note").replace("{信件编号}", l1.query_code)
    held.save(update_fields=["hold_reason"])
    # 7. rejected as out of scope
    workflow.reject(letter(7), hotline, text(7, "note"))
    # 8. returned by a misrouted unit
    l8 = letter(8)
    workflow.dispatch(l8, hotline, edu)
    workflow.return_order(l8, editor, text(8, "note"))
    # 9. approved, waiting for the centre to publish
    l9 = letter(9)
    workflow.dispatch(l9, hotline, edu)
    workflow.save_draft(l9, editor, text(9, "reply"), ReplyOutcome.ANSWERED, submit=True)
    workflow.review_reply(l9, leader, True)
    # 10. concluded, withheld (privacy)
    l10 = letter(10)
    workflow.dispatch(l10, hotline, edu)
    workflow.save_draft(l10, editor, text(10, "reply"), ReplyOutcome.RESOLVED, submit=True)
    workflow.review_reply(l10, head or leader, True)
    workflow.publish(l10, hotline, make_public=False, exclusion="privacy_trade_secret", note=text(10, "note"))
    _shift(l10, 9)
    # 11. complaint at the education bureau with an extension requested
    l11 = letter(11)
    workflow.dispatch(l11, hotline, edu)
    _shift(l11, 8)
    try:
        workflow.request_extension(l11, editor, 5, text(11, "note"))
    except workflow.WorkflowError:
        pass
    # 12. consultation just dispatched to the education bureau (due soon)
    l12 = letter(12)
    workflow.dispatch(l12, hotline, edu)
    _shift(l12, 1)

    made = _historic(locality, rules, [edu, *others], timezone.localdate().year, data.get("history", []))

    # error reports (on a column of the education bureau); the second one forwarded to its unit
    site = Site.objects.filter(root_page=home).first()
    column = ColumnPage.objects.descendant_of(home).filter(units=edu).first()
    url = column.url if column else "/"
    reports = [
        error_reports.submit(
            locality=locality, token_nonce=f"{DEMO_TOKEN}e{i}", page_url=url, site=site, **report
        )[0]
        for i, report in enumerate(data.get("error_report", []), 1)
    ]
    if len(reports) > 1:
        try:
            error_reports.forward(reports[1], hotline, reports[1].unit or edu)
        except workflow.WorkflowError:
            pass

    # disclosure requests: received; answered (granted); asked to correct
    delivery = data.get("disclosure_delivery", {})
    for i, request in enumerate(data.get("disclosure", []), 1):
        fields = {k: v for k, v in request.items() if k not in ("answer", "correction")}
        req, _, _ = disclosure_flow.submit(
            locality=locality, token_nonce=f"{DEMO_TOKEN}d{i}", unit=edu, **fields, **delivery
        )
        disclosure_flow.confirm_receipt(req, editor)
        if "answer" in request:
            disclosure_flow.answer(req, editor, "granted", request["answer"])
        if "correction" in request:
            disclosure_flow.request_correction(req, editor, request["correction"])

    counts = check_all()
    return (
        f"政民互动演示数据：信件 12 件（各状态、各类型，含超期督办 1 件）及历史信件 {made} 件；"
        f"常见问题 {len(data.get('faq', []))} 条；网站纠错 {len(reports)} 条；"
        f"依申请公开 {len(data.get('disclosure', []))} 件。"
        f"期限检查：即将到期 {counts['due_soon']}，超期 {counts['overdue']}。"
    )


def _link_columns(home, links: dict[str, str]) -> None:
    """Point the demo site's mailbox columns at the mailbox pages (a site administrator would set the
    column's link in the responsibility table)."""

    for column in ColumnPage.objects.descendant_of(home).filter(title__in=list(links)):
        if not column.link_url:
            column.supply_method = SupplyMethod.LINK
            column.link_url = links[column.title]
            column.save_revision().publish()
