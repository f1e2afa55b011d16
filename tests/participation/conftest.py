"""Fixtures for participation: people of two units, and activities of 市教育局 in the 互动交流 columns."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import column, item


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(make_person):
    class People:
        editor = make_person("市教育局", "editor")
        chief = make_person("市教育局", "section_chief")
        leader = make_person("市教育局", "deputy_leader")
        other = make_person("市财政局", "editor")
        other_leader = make_person("市财政局", "deputy_leader")
        host_office = make_person("市人民政府办公室", "host_office")
        hotline = make_person("市12345热线管理中心", "hotline")

    return People


def q(kind, **value):
    value.setdefault("required", True)
    value.setdefault("help", "")
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


QUESTIONS = [
    q("single", text="您孩子的学段", options=["小学", "初中"]),
    q("multiple", text="希望的课后服务", options=["体育", "艺术", "阅读"], max_choices=2),
    q("scale", text="满意度", low=1, high=5, low_label="很不满意", high_label="非常满意"),
    q("matrix", text="评价", rows=["时间", "收费"], columns=["满意", "不满意"]),
    q("text", text="其他建议", required=False, max_length=200),
]


@pytest.fixture
def survey(qinzhou, edu):
    from govportal.participation.models import SurveyPage

    def make(audience="anyone", opens=-1, closes=10, **fields):
        now = timezone.now()
        return item(
            column(qinzhou, "互动交流", "民意征集"),
            fields.pop("title", "课后服务满意度调查"),
            kind=SurveyPage,
            unit=edu,
            questions=QUESTIONS,
            audience=audience,
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
            **fields,
        )

    return make


@pytest.fixture
def consultation(qinzhou, edu):
    from govportal.participation.models import ConsultationPage

    def make(opens=-5, closes=25, **fields):
        today = timezone.localdate()
        return item(
            column(qinzhou, "互动交流", "民意征集"),
            fields.pop("title", "托管机构管理办法征求意见"),
            kind=ConsultationPage,
            unit=edu,
            explanation="<p>起草说明。</p>",
            draft=[
                {"type": "article", "value": {"label": "第一条", "text": "为规范管理，制定本办法。"}},
                {"type": "article", "value": {"label": "第二条", "text": "本办法适用于本市。"}},
            ],
            opens_on=today + timedelta(days=opens),
            closes_on=today + timedelta(days=closes),
            **fields,
        )

    return make


@pytest.fixture
def interview(qinzhou, edu):
    from govportal.participation.models import InterviewPage

    def make(starts=-0.5, hours=2, **fields):
        now = timezone.now()
        return item(
            column(qinzhou, "互动交流", "在线访谈"),
            fields.pop("title", "在线访谈：招生政策"),
            kind=InterviewPage,
            unit=edu,
            topic="招生政策",
            guests="李明 市教育局副局长",
            starts_at=now + timedelta(hours=starts),
            ends_at=now + timedelta(hours=starts + hours),
            **fields,
        )

    return make


@pytest.fixture
def visit(qinzhou, edu):
    from govportal.participation.models import VisitPage

    def make(**fields):
        now = timezone.now()
        return item(
            column(qinzhou, "互动交流"),
            "公民代表走进市政府",
            kind=VisitPage,
            unit=edu,
            intro="<p>活动介绍。</p>",
            event_at=now + timedelta(days=20),
            signup_opens=now - timedelta(days=1),
            signup_closes=now + timedelta(days=10),
            quota=fields.pop("quota", 2),
            **fields,
        )

    return make


def text(response) -> str:
    import re

    html = response if isinstance(response, str) else response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
