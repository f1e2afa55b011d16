"""Demo data: a survey open now and one with published results, a consultation open for comments, an
interview live now (with a stream and questions) and one finished with its transcript, a citizens' visit
open for sign-up. Idempotent: pages are found by title; dates are relative to the day the demo is made. The content is data:
``profiles/<code>/demo/participation.toml``."""

from __future__ import annotations

import random
import uuid

from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.columns import main_columns, with_paths
from govportal.portal.demo_data import DemoDataError, body, read_demo_file, relative

from .models import (
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    LiveEntry,
    Moderation,
    QuestionState,
    SurveyAnswer,
    SurveyPage,
    VisitPage,
)


def _column(home, *path):
    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    return None


def _q(spec: dict) -> dict:
    value = {k: v for k, v in spec.items() if k != "type"}
    value.setdefault("required", True)
    value.setdefault("help", "")
    return {"type": spec["type"], "value": value, "id": str(uuid.uuid4())}


def _add(parent, model, title, **fields):
    if parent is None:
        return None, False
    existing = model.objects.child_of(parent).filter(title=title).first()
    if existing:
        return existing, False
    page = model(title=title, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page, True


def _fake_answer(questions, rnd):
    out = {}
    for q in questions:
        v = q["value"]
        if q["type"] == "single":
            out[q["id"]] = rnd.choice(v["options"])
        elif q["type"] == "multiple":
            out[q["id"]] = rnd.sample(v["options"], rnd.randint(1, 3))
        elif q["type"] == "scale":
            out[q["id"]] = rnd.choice([3, 4, 4, 5, 5, 2])
        elif q["type"] == "matrix":
            out[q["id"]] = {r: rnd.choice(["满意", "满意", "一般", "不满意"]) for r in v["rows"]}
    return out


MODELS = {
    "survey": SurveyPage,
    "consultation": ConsultationPage,
    "interview": InterviewPage,
    "visit": VisitPage,
}
PARAGRAPHS = {"intro", "explanation", "basis", "results_text"}
LINES = {"contact", "guests"}
EXTRAS = ("column", "title", "questions", "answers", "results_text", "comment", "question", "live")


def _fields(entry: dict, home, now, today) -> dict:
    """A page's fields from its entry of participation.toml: times relative to now, units by name."""
    fields = {}
    for key, value in entry.items():
        if key in EXTRAS:
            continue
        if key == "unit":
            value = Unit.objects.filter(locality=home.locality, name=value).first()
        elif key in PARAGRAPHS:
            value = body(*value)
        elif key in LINES:
            value = "\n".join(value)
        elif key == "draft":
            value = [{"type": "article", "value": article} for article in value]
        elif key == "transcript":
            value = "".join(f"<p><b>{speaker}：</b>{text}</p>" for speaker, text in value)
        elif key.endswith("_on"):
            value = today + _when(entry, key)
        elif isinstance(value, str) and relative(value) is not None:
            value = now + relative(value)
        fields[key] = value
    return fields


def _when(entry: dict, key: str):
    if (delta := relative(entry[key])) is None:
        raise DemoDataError(
            f"演示数据 participation.toml「{entry['title']}」：时间「{key} = {entry[key]}」无法识别"
        )
    return delta


def prepare(home) -> str:
    now = timezone.now()
    today = timezone.localdate()
    data = read_demo_file(home.locality, "participation.toml")
    made = 0
    rnd = random.Random(16)
    for kind, model in MODELS.items():
        for entry in data.get(kind, []):
            questions = [_q(q) for q in data.get("question", [])[: entry.get("questions", 0)]]
            extra = {"questions": questions} if kind == "survey" else {}
            page, new = _add(
                _column(home, *entry["column"].split("/")),
                model,
                entry["title"],
                **_fields(entry, home, now, today),
                **extra,
            )
            if not new:
                continue
            made += 1
            _activity(page, entry, questions, rnd, now)
    return f"公众参与：新增演示活动 {made} 项。" if made else "公众参与：演示活动已存在。"


def _activity(page, entry: dict, questions: list, rnd, now) -> None:
    """What the public did on a new page: survey answers (and published results), comments, questions."""
    if entry.get("answers"):
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(survey=page, answers=_fake_answer(questions, rnd), address_key=f"demo{i}")
                for i in range(entry["answers"])
            ]
        )
    if entry.get("results_text"):
        page.results_published = True
        page.results_text = body(*entry["results_text"])
        page.save_revision().publish()
    for c in entry.get("comment", []):
        approved = {"status": Moderation.APPROVED, "moderated_at": now} if c.get("approved") else {}
        ConsultationComment.objects.create(
            page=page,
            text=c["text"],
            public_text=c.get("public_text", c["text"]),
            article_label=c.get("article_label", ""),
            **approved,
        )
    asked = []
    for q in entry.get("question", []):
        answered = {"answered_at": now} if q.get("answer") else {}
        fields = {k: v for k, v in q.items() if k != "status"}
        asked.append(
            InterviewQuestion.objects.create(
                page=page,
                public_text=q["text"],
                status=QuestionState(q.get("status", QuestionState.PENDING)),
                **fields,
                **answered,
            )
        )
    for live in entry.get("live", []):
        question = asked[live["question"] - 1] if live.get("question") else None
        LiveEntry.objects.create(page=page, speaker=live["speaker"], text=live["text"], question=question)
