"""Surveys: the form a question list makes, checking an answer, one answer per person, results, export."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from govportal.exports import sheets_bytes

from .models import Audience, SurveyAnswer, SurveyPage, page_locality
from .rules import participation_rules

COOKIE_SALT = "govportal.participation.survey"
COOKIE_AGE = 366 * 86400


class AnswerRefused(ValueError):
    """The answer cannot be taken; the message (Chinese) says why."""


def cookie_name(survey: SurveyPage) -> str:
    return f"gp_survey_{survey.pk}"


def address_key(ip: str | None) -> str:
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"ip:{ip}".encode(), hashlib.sha256).hexdigest()


def already_answered_here(request, survey: SurveyPage) -> bool:
    raw = request.COOKIES.get(cookie_name(survey))
    if not raw:
        return False
    try:
        return signing.loads(raw, salt=COOKIE_SALT, max_age=COOKIE_AGE) == survey.pk
    except signing.BadSignature:
        return False


def mark_answered(response, survey: SurveyPage) -> None:
    response.set_cookie(
        cookie_name(survey),
        signing.dumps(survey.pk, salt=COOKIE_SALT),
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


# --- questions and answers -------------------------------------------------------------------------


@dataclass
class Question:
    id: str
    kind: str
    number: int
    text: str
    required: bool
    help: str
    options: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    low: int = 1
    high: int = 5
    low_label: str = ""
    high_label: str = ""
    max_length: int = 500
    max_choices: int | None = None

    @property
    def field_name(self) -> str:
        return f"q-{self.id}"

    @property
    def scale_points(self) -> list[int]:
        return list(range(self.low, self.high + 1))

    @property
    def kind_label(self) -> str:
        return {"single": "单选", "multiple": "多选", "scale": "打分", "text": "填写", "matrix": "矩阵"}[
            self.kind
        ]


def questions(survey: SurveyPage) -> list[Question]:
    out = []
    for n, block in enumerate(survey.questions, start=1):
        v = block.value
        q = Question(
            id=block.id,
            kind=block.block_type,
            number=n,
            text=v.get("text", ""),
            required=bool(v.get("required")),
            help=v.get("help", "") or "",
        )
        if q.kind in ("single", "multiple"):
            q.options = [str(o) for o in v.get("options", [])]
            q.max_choices = v.get("max_choices") if q.kind == "multiple" else None
        elif q.kind == "scale":
            q.low, q.high = int(v.get("low") or 1), int(v.get("high") or 5)
            if q.high < q.low:
                q.low, q.high = q.high, q.low
            q.low_label, q.high_label = v.get("low_label", "") or "", v.get("high_label", "") or ""
        elif q.kind == "text":
            q.max_length = int(v.get("max_length") or 500)
        elif q.kind == "matrix":
            q.rows = [str(r) for r in v.get("rows", [])]
            q.options = [str(c) for c in v.get("columns", [])]
        out.append(q)
    return out


def read_answers(survey: SurveyPage, data) -> tuple[dict, dict]:
    """(answers, errors) from posted form ``data``; errors by question id, in Chinese."""
    answers: dict = {}
    errors: dict = {}
    for q in questions(survey):
        name = q.field_name
        if q.kind == "single":
            value = (data.get(name) or "").strip()
            if value and value not in q.options:
                errors[q.id] = "所选答案不在选项中，请重新选择。"
            elif value:
                answers[q.id] = value
        elif q.kind == "multiple":
            values = [v for v in data.getlist(name) if v in q.options]
            if q.max_choices and len(values) > q.max_choices:
                errors[q.id] = f"本题最多选{q.max_choices}项，您选了{len(values)}项。"
            elif values:
                answers[q.id] = values
        elif q.kind == "scale":
            raw = (data.get(name) or "").strip()
            if raw:
                try:
                    value = int(raw)
                except ValueError:
                    value = None
                if value is None or not q.low <= value <= q.high:
                    errors[q.id] = f"请在{q.low}到{q.high}之间打分。"
                else:
                    answers[q.id] = value
        elif q.kind == "text":
            value = (data.get(name) or "").strip()
            if len(value) > q.max_length:
                errors[q.id] = f"本题最多{q.max_length}字，您填写了{len(value)}字，请精简。"
            elif value:
                answers[q.id] = value
        elif q.kind == "matrix":
            row_answers = {}
            for i, row in enumerate(q.rows):
                value = (data.get(f"{name}-{i}") or "").strip()
                if value in q.options:
                    row_answers[row] = value
            if q.required and len(row_answers) < len(q.rows):
                errors[q.id] = "本题每一行都须选择。"
            elif row_answers:
                answers[q.id] = row_answers
        if q.required and q.id not in answers and q.id not in errors:
            errors[q.id] = "本题为必答题。"
    return answers, errors


def store_answer(
    survey: SurveyPage, answers: dict, *, phone_key: str = "", ip: str | None = None
) -> SurveyAnswer:
    """Store one answer. Refused when this phone has answered (phone surveys) or this address has sent the
    profile's maximum of anonymous answers."""
    akey = address_key(ip)
    if survey.audience == Audience.PHONE:
        if not phone_key:
            raise AnswerRefused("本调查须先通过手机验证码验证。")
    else:
        limit = participation_rules(_locality(survey)).anonymous_per_address
        if akey and SurveyAnswer.objects.filter(survey=survey, address_key=akey).count() >= limit:
            raise AnswerRefused(
                f"同一网络地址最多可提交{limit}份答卷，本地址已达上限。如您确未参加，请换用其他网络或联系调查单位。"
            )
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(
                survey=survey, answers=answers, phone_key=phone_key, address_key=akey
            )
    except IntegrityError:
        raise AnswerRefused("该手机号已参加过本次调查，每个手机号只能提交一次。") from None


def _locality(page) -> str:

    return page_locality(page)


# --- results ---------------------------------------------------------------------------------------


def results(survey: SurveyPage) -> dict:
    """Counts per question, for the results page and its charts."""
    qs = questions(survey)
    rows = list(SurveyAnswer.objects.filter(survey=survey).values_list("answers", flat=True))
    out = {"total": len(rows), "questions": []}
    for q in qs:
        entry = {"id": q.id, "number": q.number, "text": q.text, "kind": q.kind, "answered": 0}
        given = [r[q.id] for r in rows if q.id in r]
        entry["answered"] = len(given)
        if q.kind in ("single", "multiple"):
            counts = dict.fromkeys(q.options, 0)
            for v in given:
                for choice in v if isinstance(v, list) else [v]:
                    if choice in counts:
                        counts[choice] += 1
            entry["labels"] = list(counts)
            entry["counts"] = list(counts.values())
        elif q.kind == "scale":
            counts = dict.fromkeys(q.scale_points, 0)
            for v in given:
                if v in counts:
                    counts[v] += 1
            entry["labels"] = [str(p) for p in counts]
            entry["counts"] = list(counts.values())
            entry["average"] = round(sum(given) / len(given), 2) if given else None
        elif q.kind == "matrix":
            entry["labels"] = q.options
            entry["rows"] = [
                {"row": row, "counts": [sum(1 for v in given if v.get(row) == c) for c in q.options]}
                for row in q.rows
            ]
        if "counts" in entry:
            entry["pairs"] = list(zip(entry["labels"], entry["counts"], strict=True))
        out["questions"].append(entry)
    return out


def chart_data(survey: SurveyPage) -> list[dict]:
    """What the charts draw (choice, scale and matrix questions), for ``json_script``."""
    return [
        {k: q[k] for k in ("id", "number", "text", "kind", "labels", "counts", "rows") if k in q}
        for q in results(survey)["questions"]
        if q["kind"] != "text"
    ]


# --- export ----------------------------------------------------------------------------------------


def export_xlsx(survey: SurveyPage) -> bytes:
    qs = questions(survey)
    header = ["序号", "提交时间", "参与方式"]
    for q in qs:
        if q.kind == "matrix":
            header += [f"{q.number}. {q.text}｜{row}" for row in q.rows]
        else:
            header.append(f"{q.number}. {q.text}")
    rows = []
    from django.utils import timezone

    for n, a in enumerate(SurveyAnswer.objects.filter(survey=survey).order_by("id"), start=1):
        row = [
            n,
            timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
            "手机验证" if a.phone_key else "匿名",
        ]
        for q in qs:
            v = a.answers.get(q.id)
            if q.kind == "matrix":
                row += [(v or {}).get(r, "") for r in q.rows]
            elif isinstance(v, list):
                row.append("；".join(v))
            else:
                row.append("" if v is None else v)
        rows.append(row)
    return sheets_bytes([(survey.title[:31] or "答卷", [header, *rows])])
