"""Disclosure requests (依申请公开) under the Regulation on the Disclosure of Government Information (2019).

The clock (all in working days, counted by the platform calendar):

- it starts on the day of receipt; for an application made online that is the day both sides confirm it
  (Art. 31), i.e. the day the unit confirms receipt;
- the answer is due 20 working days later (Art. 33), unless given on the spot;
- one extension of at most 20 working days, approved by the head of the disclosure office, with a notice
  to the applicant (Art. 33);
- time spent consulting a third party is not counted (Art. 32, 33): the clock pauses;
- an incomplete application is sent back once for correction within 7 working days (Art. 30); the clock
  starts again from the day the corrected application is received.

Each answer is recorded in one of the outcome categories of the annual report on government information
disclosure (国办公开办函〔2021〕30号, table 三), so :func:`annual_report` can produce that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from govportal.accounts.staffing import staff_of
from govportal.notices.notifications import notify

from . import deadlines
from .models import ApplicantKind, DisclosureEvent, DisclosureRequest, DisclosureState
from .permissions import can_handle_disclosure, is_disclosure_approver
from .rules import disclosure_rules
from .spam import password_for
from .transitions import DISCLOSURES, WorkflowError, fire, step
from .workflow import check_password, hash_password, new_code

# (code, group, label): table 三 of the annual report, 本年度办理结果.
OUTCOMES: list[tuple[str, str, str]] = [
    ("granted", "（一）予以公开", "予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
    ("withheld_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("withheld_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("withheld_security", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("withheld_internal", "（三）不予公开", "5.属于三类内部事务信息"),
    ("withheld_process", "（三）不予公开", "6.属于四类过程性信息"),
    ("withheld_enforcement", "（三）不予公开", "7.属于行政执法案卷"),
    ("withheld_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirm", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "other_no_correction",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_no_fee",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other", "（六）其他处理", "3.其他"),
]
OUTCOME_LABELS = {
    code: (group if code in ("granted", "partial") else f"{group} {label}") for code, group, label in OUTCOMES
}
OUTCOME_CHOICES = [(code, OUTCOME_LABELS[code]) for code, _, _ in OUTCOMES]

# Columns of the annual report: 自然人 | 法人或其他组织 (5) | 总计.
APPLICANT_COLUMNS = [
    (ApplicantKind.PERSON, "自然人"),
    (ApplicantKind.BUSINESS, "商业企业"),
    (ApplicantKind.RESEARCH, "科研机构"),
    (ApplicantKind.WELFARE, "社会公益组织"),
    (ApplicantKind.LEGAL, "法律服务机构"),
    (ApplicantKind.OTHER_ORG, "其他"),
]


def event(req: DisclosureRequest, action: str, text: str, actor=None, public: bool = False) -> None:
    DisclosureEvent.objects.create(request=req, action=action, text=text, actor=actor, public=public)


def admin_url(req: DisclosureRequest) -> str:
    return reverse("interaction_admin:disclosure", args=[req.pk])


def compute_due(req: DisclosureRequest) -> date | None:
    if not req.clock_start:
        return None
    rules = disclosure_rules(req.locality)
    return deadlines.add_workdays(
        req.clock_start, int(rules.answer_workdays) + req.extension_workdays + req.paused_workdays
    )


# --- submission ----------------------------------------------------------------------------------------


def submit(
    *, locality: str, token_nonce: str, client_ip: str | None = None, **fields
) -> tuple[DisclosureRequest, str, bool]:
    password = password_for(token_nonce, "disclosure")
    existing = DisclosureRequest.objects.filter(submit_token=token_nonce).first()
    if existing:
        return existing, password, False
    for _ in range(5):
        try:
            with transaction.atomic():
                req = DisclosureRequest.objects.create(
                    locality=locality,
                    code=new_code("GK"),
                    password_hash=hash_password(password),
                    submit_token=token_nonce,
                    client_ip=client_ip,
                    submitted_at=timezone.now(),
                    **fields,
                )
                event(
                    req,
                    "submitted",
                    f"申请已提交至{req.unit.name}，待工作人员确认收到（{disclosure_rules(locality).cite('receipt_article')}：网上提交以双方确认之日为收到申请之日）。",
                    public=True,
                )
            break
        except IntegrityError:
            again = DisclosureRequest.objects.filter(submit_token=token_nonce).first()
            if again:
                return again, password, False
    else:
        raise WorkflowError("系统繁忙，请稍后再提交。您填写的内容已保留。")
    notify(
        list(staff_of(req.unit)),
        "disclosure_new",
        f"新的政府信息公开申请 {req.code}，请确认收到并办理。",
        url=admin_url(req),
    )
    return req, password, True


def find(code: str, password: str) -> DisclosureRequest | None:

    req = DisclosureRequest.objects.filter(code=(code or "").strip().upper()).first()
    if req and check_password(password, req.password_hash):
        return req
    return None


# --- handling -----------------------------------------------------------------------------------------------
#
# Who may take each step from which state is the table ``transitions.DISCLOSURES``; each function below
# calls ``fire()``, and the step registered for the action checks what it was given, yields the fields to
# write with the new state, then writes its events and notifications.


def confirm_receipt(req: DisclosureRequest, user, on: date | None = None) -> None:
    fire(req, "confirm", user, on=on)


@step(DISCLOSURES, "confirm")
def _confirm(req: DisclosureRequest, user, action: str, on: date | None = None):
    rules = disclosure_rules(req.locality)
    on = on or deadlines.today()
    req.clock_start = on
    due = compute_due(req)
    # a late-confirmation flag does not carry over
    yield {
        "received_on": on,
        "clock_start": on,
        "due_date": due,
        "due_soon_notified_on": None,
        "overdue_notified_on": None,
    }
    event(
        req,
        "received",
        f"已确认收到申请（收到申请之日：{on:%Y年%m月%d日}），答复期限至 {req.due_date:%Y年%m月%d日}"
        f"（{rules.cite('answer_article')}：{rules.answer_workdays}个工作日）。",
        user,
        public=True,
    )


def request_correction(req: DisclosureRequest, user, notice: str, period_workdays: int | None = None) -> None:
    """Send an unclear application back once for correction (Art. 30); the clock stops."""
    if req.correction_requested_on and can_handle_disclosure(user, req):
        # Said before the state (which has moved on since the first notice): the rule is the reason.
        raise WorkflowError(
            f"补正告知应当一次性提出（{disclosure_rules(req.locality).cite('correction_article')}），这件申请已经告知过补正。"
        )
    fire(req, "correction", user, notice=notice, period_workdays=period_workdays)


@step(DISCLOSURES, "correction")
def _correction(
    req: DisclosureRequest, user, action: str, notice: str = "", period_workdays: int | None = None
):
    rules = disclosure_rules(req.locality)
    if req.correction_requested_on:
        raise WorkflowError(
            f"补正告知应当一次性提出（{rules.cite('correction_article')}），这件申请已经告知过补正。"
        )
    notice = (notice or "").strip()
    if len(notice) < 6:
        raise WorkflowError("请在补正告知中写明需要作出补正的事项。")
    today = deadlines.today()
    received_on = req.received_on or today
    limit = deadlines.add_workdays(received_on, int(rules.correction_notice_workdays))
    late = today > limit
    period = int(period_workdays or rules.correction_period_workdays)
    yield {
        "received_on": received_on,
        "correction_notice": notice,
        "correction_requested_on": today,
        "correction_due": deadlines.add_workdays(today, period),
        "clock_start": None,
        "due_date": None,
        "due_soon_notified_on": None,
        "overdue_notified_on": None,
    }
    event(
        req,
        "correction_requested",
        f"申请内容需要补正：{notice}。请于 {req.correction_due:%Y年%m月%d日} 前在查询页面提交补正内容；"
        f"答复期限自收到补正后的申请之日起重新计算（{rules.cite('correction_article')}）。",
        user,
        public=True,
    )
    if late:
        event(
            req,
            "late_correction",
            f"补正告知晚于收到申请之日起{rules.correction_notice_workdays}个工作日（期限 {limit:%Y年%m月%d日}，{rules.cite('correction_article')}）。",
            user,
        )


def submit_correction(req: DisclosureRequest, text: str) -> None:
    """The applicant's corrected application: the clock starts again from today (Art. 30)."""
    fire(req, "submit_correction", None, text=text)


@step(DISCLOSURES, "submit_correction")
def _submit_correction(req: DisclosureRequest, user, action: str, text: str = ""):
    rules = disclosure_rules(req.locality)
    text = (text or "").strip()
    if len(text) < 4:
        raise WorkflowError("请填写补正内容。")
    today = deadlines.today()
    req.clock_start, req.paused_workdays, req.extension_workdays = today, 0, 0
    yield {
        "correction_text": text,
        "corrected_on": today,
        "clock_start": today,
        "paused_workdays": 0,
        "extension_workdays": 0,
        "due_date": compute_due(req),
        "due_soon_notified_on": None,
        "overdue_notified_on": None,
    }
    event(
        req,
        "corrected",
        f"已收到补正内容，答复期限自 {today:%Y年%m月%d日} 起重新计算，至 {req.due_date:%Y年%m月%d日}（{rules.cite('correction_article')}）。",
        public=True,
    )
    notify(
        list(staff_of(req.unit)),
        "disclosure_corrected",
        f"申请 {req.code} 已补正，请办理。",
        url=admin_url(req),
    )


def start_consultation(req: DisclosureRequest, user, third_party: str) -> None:
    """Consult a third party (Art. 32): the time it takes is not counted (Art. 33), so the clock pauses."""
    fire(req, "consult", user, third_party=third_party)


@step(DISCLOSURES, "consult")
def _consult(req: DisclosureRequest, user, action: str, third_party: str = ""):
    rules = disclosure_rules(req.locality)
    third_party = (third_party or "").strip()
    if not third_party:
        raise WorkflowError("请填写被征求意见的第三方。")
    yield {"third_party": third_party, "pause_started_on": deadlines.today()}
    event(
        req,
        "consulting",
        f"正在书面征求第三方意见，征求意见所需时间不计算在答复期限内（{rules.cite('consultation_article')}）。",
        user,
        public=True,
    )


def end_consultation(req: DisclosureRequest, user) -> None:
    fire(req, "end_consult", user)


@step(DISCLOSURES, "end_consult")
def _end_consult(req: DisclosureRequest, user, action: str):
    paused = deadlines.workdays_used(req.pause_started_on, deadlines.today())
    req.paused_workdays += paused
    yield {"paused_workdays": req.paused_workdays, "pause_started_on": None, "due_date": compute_due(req)}
    event(
        req,
        "consulted",
        f"第三方意见征求完毕，不计入期限 {paused} 个工作日，答复期限顺延至 {req.due_date:%Y年%m月%d日}。",
        user,
        public=True,
    )


def request_extension(req: DisclosureRequest, user, workdays: int, reason: str) -> None:
    """Ask for an extension; approved by the disclosure office's head, who may ask and approve at once."""
    fire(req, "extension", user, workdays=workdays, reason=reason)


@step(DISCLOSURES, "extension")
def _request_extension(req: DisclosureRequest, user, action: str, workdays=None, reason: str = ""):
    rules = disclosure_rules(req.locality)
    article = rules.cite("answer_article")
    if req.extension_workdays or req.extension_requested_workdays:
        raise WorkflowError(f"答复期限只能延长一次（{article}）。")
    try:
        workdays = int(workdays)
    except (TypeError, ValueError):
        raise WorkflowError("请填写延长的工作日数。") from None
    limit = int(rules.extension_max_workdays)
    if not 1 <= workdays <= limit:
        raise WorkflowError(f"延长答复的期限最长不得超过{limit}个工作日（{article}）。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WorkflowError("请写明需要延长答复期限的理由。")
    if req.due_date and deadlines.today() > req.due_date:
        raise WorkflowError(f"答复期限已于 {req.due_date:%Y年%m月%d日} 届满，不能再延期。")
    yield {
        "extension_requested_workdays": workdays,
        "extension_reason": reason,
        "extension_requested_by": user,
    }
    event(req, "extension_requested", f"申请延长答复期限 {workdays} 个工作日：{reason}", user)
    if is_disclosure_approver(user, req):
        approve_extension(req, user)
    else:
        approvers = list(staff_of(req.unit, rules.extension_approver_roles))
        notify(
            approvers,
            "disclosure_extension",
            f"申请 {req.code} 请求延长答复期限 {workdays} 个工作日，请审批（{article}）。",
            url=admin_url(req),
        )


def approve_extension(req: DisclosureRequest, user, approve: bool = True) -> None:
    fire(req, "approve_extension" if approve else "refuse_extension", user)


@step(DISCLOSURES, "approve_extension", "refuse_extension")
def _decide_extension(req: DisclosureRequest, user, action: str):
    if not req.extension_requested_workdays or req.extension_workdays:
        raise WorkflowError("没有待审批的延期申请。")
    if action == "refuse_extension":
        yield {"extension_requested_workdays": 0}
        event(req, "extension_refused", "负责人未同意延期。", user)
        return
    article = disclosure_rules(req.locality).cite("answer_article")
    req.extension_workdays = req.extension_requested_workdays
    due = compute_due(req)
    yield {
        "extension_workdays": req.extension_workdays,
        "extension_approved_by": user,
        "due_date": due,
        "extension_notice": (
            f"因{req.extension_reason}，经政府信息公开工作机构负责人同意，答复期限延长 {req.extension_workdays} 个工作日"
            + (f"，至 {due:%Y年%m月%d日}" if due else "")
            + f"（{article}）。"
        ),
        "extension_notified_at": timezone.now(),
        "due_soon_notified_on": None,
    }
    event(req, "extended", req.extension_notice, user, public=True)


def answer(req: DisclosureRequest, user, outcome: str, reply: str, *, on_the_spot: bool = False) -> None:
    fire(req, "answer_spot" if on_the_spot else "answer", user, outcome=outcome, reply=reply)


@step(DISCLOSURES, "answer", "answer_spot")
def _answer(req: DisclosureRequest, user, action: str, outcome: str = "", reply: str = ""):
    rules = disclosure_rules(req.locality)
    on_the_spot = action == "answer_spot"
    if outcome not in OUTCOME_LABELS:
        raise WorkflowError("请选择办理结果（按政府信息公开工作年度报告的分类）。")
    if outcome == "other_no_correction":
        if req.state != DisclosureState.CORRECTION:
            raise WorkflowError("只有告知补正后逾期未补正的申请，才能按“逾期不补正”处理。")
        if req.correction_due and deadlines.today() <= req.correction_due:
            raise WorkflowError(f"补正期限（{req.correction_due:%Y年%m月%d日}）尚未届满。")
    elif req.state == DisclosureState.CORRECTION:
        raise WorkflowError("申请正在等待补正，请在收到补正后再答复。")
    reply = (reply or "").strip()
    if len(reply) < 6:
        raise WorkflowError("请填写答复内容（依据、理由和救济途径）。")
    today = deadlines.today()
    fields = {
        "outcome": outcome,
        "reply": reply,
        "on_the_spot": on_the_spot,
        "answered_at": timezone.now(),
        "answered_by": user,
    }
    if req.received_on is None:
        fields.update(received_on=today, clock_start=req.clock_start or today)
    yield fields
    late = req.due_date and today > req.due_date
    event(
        req,
        "answered",
        ("当场答复：" if on_the_spot else "已答复：")
        + OUTCOME_LABELS[outcome]
        + ("（超过答复期限）" if late else ""),
        user,
        public=True,
    )
    if late:
        event(
            req, "late", f"答复晚于期限 {req.due_date:%Y年%m月%d日}（{rules.cite('answer_article')}）。", user
        )


# --- annual report ------------------------------------------------------------------------------------


@dataclass
class ReportTable:
    year: int
    columns: list[str]
    rows: list[tuple[str, list[int]]]  # (label, values per column + total)

    def row(self, label_prefix: str) -> list[int]:
        for label, values in self.rows:
            if label.startswith(label_prefix):
                return values
        raise KeyError(label_prefix)


def annual_report(locality: str, year: int, unit=None) -> ReportTable:
    """Table 三 of the annual report on government information disclosure (收到和处理政府信息公开申请情况)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    qs = DisclosureRequest.objects.filter(locality=locality)
    if unit is not None:
        qs = qs.filter(unit=unit)
    kinds = [k for k, _ in APPLICANT_COLUMNS]
    zero = {k: 0 for k in kinds}
    new, carried_in, carried_out = dict(zero), dict(zero), dict(zero)
    results = {code: dict(zero) for code, _, _ in OUTCOMES}
    for r in qs.values("applicant_kind", "received_on", "submitted_at", "answered_at", "outcome").iterator():
        received = r["received_on"] or timezone.localdate(r["submitted_at"])
        answered = timezone.localdate(r["answered_at"]) if r["answered_at"] else None
        kind = r["applicant_kind"] if r["applicant_kind"] in zero else ApplicantKind.OTHER_ORG
        if received > end:
            continue
        if received >= start:
            new[kind] += 1
        elif answered is None or answered >= start:
            carried_in[kind] += 1
        else:
            continue
        if answered is not None and start <= answered <= end and r["outcome"] in results:
            results[r["outcome"]][kind] += 1
        elif answered is None or answered > end:
            carried_out[kind] += 1

    def line(label: str, counts: dict) -> tuple[str, list[int]]:
        values = [counts[k] for k in kinds]
        return label, values + [sum(values)]

    rows = [
        line("一、本年新收政府信息公开申请数量", new),
        line("二、上年结转政府信息公开申请数量", carried_in),
    ]
    total = dict(zero)
    for code, _group, _label in OUTCOMES:
        rows.append(line("三、本年度办理结果 " + OUTCOME_LABELS[code], results[code]))
        for k in kinds:
            total[k] += results[code][k]
    rows.append(line("三、本年度办理结果 （七）总计", total))
    rows.append(line("四、结转下年度继续办理", carried_out))
    return ReportTable(year=year, columns=[label for _, label in APPLICANT_COLUMNS] + ["总计"], rows=rows)
